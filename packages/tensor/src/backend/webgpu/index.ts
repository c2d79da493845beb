/**
 * The WebGPU backend (Dawn on Node, `navigator.gpu` on Deno and browsers).
 *
 * @since 0.1.0
 */
export { type AdapterOptions, describeAdapter, isSoftware, requestWebGpuAdapter } from "./adapter.ts"
export { type MatmulVariant } from "./KernelContext.ts"
export { makeWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions, type WebGpuStats } from "./makeWebGpuBackend.ts"
