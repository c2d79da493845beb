/**
 * Deno BLAS check: opens the system BLAS through `Deno.dlopen` (via the CPU backend's own
 * selection, so the runtime dispatch is exercised too) and runs random sgemm calls against
 * the f64 reference provider. Prints one JSON object on stdout: `{ gemm, worst }` (worst =
 * largest |error| / tolerance over all elements, ≤ 1 passes) or `{ error }`. Run from the
 * package root: `deno run --allow-ffi --allow-read --allow-env test/deno/blas.ts`.
 */
import type { SgemmCall } from "../../src/backend/cpu/gemm/Gemm.ts"
import { referenceSgemm } from "../../src/backend/cpu/gemm/referenceGemm.ts"
import { selectGemm } from "../../src/backend/cpu/gemm/selectGemm.ts"
import { seeded } from "../support/views.ts"

try {
  const { provider, reason } = selectGemm("blas")
  const r = seeded(5)
  let worst = 0
  for (let trial = 0; trial < 40; trial++) {
    const transA = trial % 2 === 1
    const transB = trial % 4 >= 2
    const [m, n, k, batch] = [1 + (trial % 7), 2 + (trial % 5), 3 + (trial % 11), 1 + (trial % 3)]
    const offset = trial % 3
    const fill = (len: number) => Float32Array.from({ length: len }, () => r())
    const aSize = m * k + 2
    const bSize = k * n + 1
    const cSize = m * n
    const call: SgemmCall = {
      transA,
      transB,
      m,
      n,
      k,
      alpha: 0.75,
      beta: 0.5,
      a: fill(offset + batch * aSize),
      aOffset: offset,
      lda: transA ? m : k,
      strideA: aSize,
      b: fill(offset + batch * bSize),
      bOffset: offset,
      ldb: transB ? k : n,
      strideB: bSize,
      c: fill(offset + batch * cSize),
      cOffset: offset,
      ldc: n,
      strideC: cSize,
      batch
    }
    const want = { ...call, c: Float32Array.from(call.c) }
    referenceSgemm(want)
    provider!.sgemm(call)
    for (let i = 0; i < call.c.length; i++) {
      // Values in [-1, 1): |error| <= (k + 2)·2⁻²⁴·(0.75·k + 0.5), the f32 dot-product bound.
      const tol = (k + 2) * 2 ** -24 * (0.75 * k + 0.5)
      worst = Math.max(worst, Math.abs(call.c[i]! - want.c[i]!) / tol)
    }
  }
  console.log(JSON.stringify({ gemm: reason, worst }))
} catch (e) {
  console.log(JSON.stringify({ error: String(e), stack: e instanceof Error ? e.stack : undefined }))
}
