/**
 * The portable WASM SIMD GEMM provider.
 *
 * @since 0.2.0
 */
export { makeWasmGemm, makeWasmGemmSync, type WasmGemmOptions } from "./WasmGemm.ts"
