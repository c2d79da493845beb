/**
 * The plainest correct `GemmProvider`: triple loop, f64 accumulation. The numerical
 * reference the other providers are tested against, and the provider that lets the
 * GEMM-routed kernels be tested on a machine with no BLAS and no WASM. Slow.
 *
 * @since 0.2.0
 */
import { checkSgemm } from "./checkSgemm.ts"
import type { GemmProvider, SgemmCall } from "./Gemm.ts"

/**
 * Runs `call` with f64 sums (each output rounded to f32 once, as it is stored).
 *
 * @since 0.2.0
 * @category kernels
 */
export const referenceSgemm = (call: SgemmCall): void => {
  checkSgemm(call)
  const { a, alpha, b, beta, c, k, m, n } = call
  // Element (i, p) of op(A) and (p, j) of op(B), through the stored layout.
  const aRow = call.transA ? 1 : call.lda
  const aCol = call.transA ? call.lda : 1
  const bRow = call.transB ? 1 : call.ldb
  const bCol = call.transB ? call.ldb : 1
  for (let bi = 0; bi < call.batch; bi++) {
    const a0 = call.aOffset + bi * call.strideA
    const b0 = call.bOffset + bi * call.strideB
    const c0 = call.cOffset + bi * call.strideC
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0
        for (let p = 0; p < k; p++) sum += a[a0 + i * aRow + p * aCol]! * b[b0 + p * bRow + j * bCol]!
        const ci = c0 + i * call.ldc + j
        // beta = 0 overwrites without reading, as BLAS does (C may hold NaN).
        c[ci] = alpha * sum + (beta === 0 ? 0 : beta * c[ci]!)
      }
    }
  }
}

/**
 * `referenceSgemm` as a provider.
 *
 * @since 0.2.0
 * @category constructors
 */
export const referenceGemm: GemmProvider = { name: "reference (f64 triple loop)", sgemm: referenceSgemm }
