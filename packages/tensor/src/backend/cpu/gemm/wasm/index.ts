/**
 * The portable WASM SIMD GEMM provider.
 *
 * @since 0.2.0
 */
export { makeWasmGemm, makeWasmGemmSync, type WasmGemmOptions, type WasmGemmProvider } from "./WasmGemm.ts"
