/**
 * The one GEMM contract the CPU backend's matmul and attention run through, so a system
 * BLAS (through FFI) and the portable WASM SIMD kernel are interchangeable.
 *
 * @since 0.2.0
 */

/**
 * One batched single-precision GEMM, row-major (CBLAS `CblasRowMajor` semantics):
 * for each `b < batch`, `C_b = alpha · op(A_b) · op(B_b) + beta · C_b`, where `op(X)` is `X`
 * or `Xᵀ` per `transA` / `transB`, `op(A_b)` is `m × k`, `op(B_b)` is `k × n`, `C_b` is `m × n`.
 * Element `(i, j)` of the stored (untransposed) A_b is `a[aOffset + b·strideA + i·lda + j]`,
 * and likewise for B and C. Strides and offsets count elements, not bytes.
 *
 * @since 0.2.0
 * @category models
 */
export interface SgemmCall {
  readonly transA: boolean
  readonly transB: boolean
  readonly m: number
  readonly n: number
  readonly k: number
  readonly alpha: number
  readonly beta: number
  readonly a: Float32Array
  readonly aOffset: number
  readonly lda: number
  readonly strideA: number
  readonly b: Float32Array
  readonly bOffset: number
  readonly ldb: number
  readonly strideB: number
  readonly c: Float32Array
  readonly cOffset: number
  readonly ldc: number
  readonly strideC: number
  readonly batch: number
}

/**
 * A GEMM implementation. `sgemm` is synchronous: the CPU backend's kernels are plain
 * synchronous code.
 *
 * @since 0.2.0
 * @category models
 */
export interface GemmProvider {
  /** One line for logs, e.g. `openblas 0.3.21 (libopenblas.so.0), 2 threads` or `wasm-simd, 2 workers`. */
  readonly name: string
  readonly sgemm: (call: SgemmCall) => void
  /** Releases threads or library handles, where the provider holds any. */
  readonly close?: () => void
}
