/**
 * What `layerAuto` picks, and the one line saying why. On a CPU-only machine a software
 * WebGPU adapter (llvmpipe, lavapipe, SwiftShader, WARP) is the slower path whenever the CPU
 * backend has a real GEMM (the system BLAS or the WASM SIMD GEMM): the same train step ran
 * several times faster there (benchmarks/RESULTS.md). Kept pure so the rule is tested
 * without a GPU.
 *
 * @since 0.2.0
 */

/**
 * The adapter as `chooseBackend` needs it (null when WebGPU offers none).
 *
 * @since 0.2.0
 * @category models
 */
export interface AdapterSummary {
  readonly description: string
  readonly software: boolean
}

/**
 * The choice and its reason.
 *
 * @since 0.2.0
 * @category models
 */
export interface BackendChoice {
  readonly backend: "cpu" | "webgpu"
  readonly reason: string
}

/**
 * Picks by capability: a hardware adapter → WebGPU; a software adapter → the CPU backend
 * when its GEMM is the system BLAS or the WASM GEMM, else WebGPU (the rasterizer still beats
 * the JavaScript kernels); no adapter → the CPU.
 *
 * @since 0.2.0
 * @category constructors
 */
export const chooseBackend = (adapter: AdapterSummary | null, cpuGemm: { readonly kind: "blas" | "wasm" | "js"; readonly name: string }): BackendChoice => {
  if (adapter === null) return { backend: "cpu", reason: "no WebGPU adapter" }
  if (!adapter.software) return { backend: "webgpu", reason: `hardware adapter ${adapter.description}` }
  if (cpuGemm.kind !== "js") {
    return {
      backend: "cpu",
      reason: `WebGPU adapter ${adapter.description} is a software rasterizer; the CPU backend on ${cpuGemm.name} is faster here (--backend webgpu overrides)`
    }
  }
  return {
    backend: "webgpu",
    reason: `WebGPU adapter ${adapter.description} is a software rasterizer, but the CPU backend has only its JavaScript kernels (no BLAS or WASM GEMM), which are slower (--backend cpu overrides)`
  }
}
