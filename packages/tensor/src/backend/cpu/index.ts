/**
 * The CPU reference backend.
 *
 * @since 0.1.0
 */
export { type CpuBackendOptions, makeCpuBackend } from "./CpuBackend.ts"
