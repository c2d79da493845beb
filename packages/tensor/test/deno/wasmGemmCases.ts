/**
 * Portable checks of a `GemmProvider` against a naive f64 reference, shared by the vitest
 * suite (Node) and the Deno run (`wasmGemm.ts`). Operands come from a seeded generator, so
 * both hosts check the same calls.
 */
import type { GemmProvider, SgemmCall } from "../../src/backend/cpu/gemm/Gemm.ts"

/** One call's shape and layout. `padA`/`padB`/`padC` widen the leading dimensions; `gap` spaces batch items. */
export interface GemmCase {
  readonly m: number
  readonly n: number
  readonly k: number
  readonly transA: boolean
  readonly transB: boolean
  readonly batch: number
  readonly alpha: number
  readonly beta: number
  readonly padA: number
  readonly padB: number
  readonly padC: number
  readonly offset: number
  readonly gap: number
  /** Share one B between all batch items (stride 0), like a weight. */
  readonly sharedB: boolean
}

/** xorshift32 in [-1, 1). */
const makeRandom = (seed: number) => {
  let s = seed | 0 || 1
  return (): number => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 31 - 1
  }
}

/** Builds the call with sentinel-filled arrays (every unaddressed element of C is a sentinel). */
export const makeCall = (c: GemmCase, seed: number): SgemmCall => {
  const random = makeRandom(seed)
  const aRows = c.transA ? c.k : c.m
  const aCols = c.transA ? c.m : c.k
  const bRows = c.transB ? c.n : c.k
  const bCols = c.transB ? c.k : c.n
  const lda = aCols + c.padA
  const ldb = bCols + c.padB
  const ldc = c.n + c.padC
  const strideA = aRows * lda + c.gap
  const strideB = c.sharedB ? 0 : bRows * ldb + c.gap
  const strideC = c.m * ldc + c.gap
  const fill = (length: number): Float32Array => Float32Array.from({ length }, () => random())
  const a = fill(c.offset + (c.batch - 1) * strideA + aRows * lda + 3)
  const b = fill(c.offset + (c.batch - 1) * strideB + bRows * ldb + 3)
  const cArr = fill(c.offset + (c.batch - 1) * strideC + c.m * ldc + 3)
  return {
    transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, beta: c.beta,
    a, aOffset: c.offset, lda, strideA,
    b, bOffset: c.offset, ldb, strideB,
    c: cArr, cOffset: c.offset, ldc, strideC,
    batch: c.batch
  }
}

/**
 * The f64 result of `call` over a copy of its C (elements the call does not address are
 * copied unchanged), and the per-element error bound
 * `2⁻²³ · ((k + 2) · |alpha| · Σₚ |aᵢₚ bₚⱼ| + 2 |beta · cᵢⱼ|)`: the classic dot-product bound
 * `γₖ Σ|xy|` with twice the unit roundoff, plus the rounding of the scaling and the final sum.
 */
export const reference = (call: SgemmCall): { readonly expected: Float64Array; readonly bound: Float64Array } => {
  const expected = Float64Array.from(call.c)
  const bound = new Float64Array(call.c.length)
  const { m, n, k, alpha, beta } = call
  for (let b = 0; b < call.batch; b++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0
        let abs = 0
        for (let p = 0; p < k; p++) {
          const x = call.a[call.aOffset + b * call.strideA + (call.transA ? p * call.lda + i : i * call.lda + p)]!
          const y = call.b[call.bOffset + b * call.strideB + (call.transB ? j * call.ldb + p : p * call.ldb + j)]!
          sum += x * y
          abs += Math.abs(x * y)
        }
        const at = call.cOffset + b * call.strideC + i * call.ldc + j
        const c0 = call.c[at]!
        expected[at] = alpha * sum + (beta === 0 ? 0 : beta * c0)
        bound[at] = 2 ** -23 * ((k + 2) * Math.abs(alpha) * abs + 2 * Math.abs(beta * c0))
      }
    }
  }
  return { expected, bound }
}

/** Shapes around the micro-tile (4 × 8), the blocks (mc 72, nc 256, kc 256 past k 384) and degenerate sizes. */
export const gemmCases = (): Array<GemmCase> => {
  const base = { transA: false, transB: false, batch: 1, alpha: 1, beta: 0, padA: 0, padB: 0, padC: 0, offset: 0, gap: 0, sharedB: false }
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [1, 7, 5], [5, 1, 9], [4, 8, 1], [6, 8, 1], [7, 9, 3], [13, 17, 29], [64, 64, 64],
    [73, 257, 31], [150, 300, 401], [3, 520, 700], [97, 33, 1000]
  ]
  const out: Array<GemmCase> = []
  shapes.forEach(([m, n, k], s) => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        out.push({ ...base, m, n, k, transA, transB, alpha: s % 3 === 0 ? 1 : -0.75, beta: s % 2 === 0 ? 0 : 0.5 })
      }
    }
  })
  // Strided, offset, batched and shared-weight layouts.
  out.push({ ...base, m: 19, n: 23, k: 37, batch: 3, padA: 5, padB: 2, padC: 7, offset: 11, gap: 4, beta: 1.5, alpha: 2 })
  out.push({ ...base, m: 40, n: 70, k: 24, batch: 4, transA: true, transB: true, padA: 3, padC: 1, offset: 2, gap: 9 })
  out.push({ ...base, m: 100, n: 64, k: 96, batch: 5, transB: true, sharedB: true, beta: -1 })
  out.push({ ...base, m: 33, n: 16, k: 8, batch: 16, transA: true, offset: 5 })
  out.push({ ...base, m: 9, n: 300, k: 40, padA: 200, padB: 1000, beta: 0.25 })
  return out
}

/** Runs every case on `gemm`; returns one line per mismatch (empty when all agree). */
export const checkGemm = (gemm: GemmProvider, cases: ReadonlyArray<GemmCase>, seed = 1): Array<string> => {
  const failures: Array<string> = []
  cases.forEach((c, index) => {
    const call = makeCall(c, seed + index)
    const { expected, bound } = reference(call)
    gemm.sgemm(call)
    let reported = 0
    for (let at = 0; at < expected.length; at++) {
      const got = call.c[at]!
      const ok = bound[at] === 0 ? got === Math.fround(expected[at]!) : Math.abs(got - expected[at]!) <= bound[at]!
      if (!ok && reported++ < 3) {
        failures.push(`case ${index} ${JSON.stringify(c)}: c[${at}] = ${got}, expected ${expected[at]} ± ${bound[at]}`)
      }
    }
  })
  return failures
}
