import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import type { View } from "../src/backend/Kernel.ts"
import { f16BitsToF32, f32ToF16Bits } from "../src/f16.ts"
import type { Backend } from "../src/backend/Backend.ts"
import { gemmModes } from "./support/gemmModes.ts"
import { matmulRef } from "./support/reference.ts"
import { closeness, download, empty, permuteView, randomArray, upload } from "./support/views.ts"

/** A [batch, R, C] operand stored either row-major or as the transpose of a [batch, C, R] array. */
const operandOn = (backend: Backend, vals: Array<number>, batch: number, R: number, C: number, transposed: boolean, dtype: "f32" | "f16"): View => {
  if (!transposed) return upload(backend, vals, [batch, R, C], dtype, 3)
  const t: Array<number> = new Array<number>(vals.length)
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) t[(p * C + j) * R + i] = vals[(p * R + i) * C + j]!
  }
  return permuteView(upload(backend, t, [batch, C, R], dtype, 1), [0, 2, 1])
}

for (const mode of gemmModes) describe(`cpu matmul (${mode.name})`, () => {
  const backend = makeCpuBackend(mode.options)
  const operand = (vals: Array<number>, batch: number, R: number, C: number, transposed: boolean, dtype: "f32" | "f16") =>
    operandOn(backend, vals, batch, R, C, transposed, dtype)

  it("matches a naive f64 loop for random shapes, layouts and dtypes (rel 1e-5 f32, 2e-3 f16 operands)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          M: fc.integer({ min: 1, max: 9 }),
          K: fc.integer({ min: 1, max: 13 }),
          N: fc.integer({ min: 1, max: 11 }),
          ta: fc.boolean(),
          tb: fc.boolean(),
          f16: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1000 })
        }),
        async ({ K, M, N, batch, f16, seed, ta, tb }) => {
          const a = randomArray(batch * M * K, seed, 1)
          const b = randomArray(batch * K * N, seed + 1, 1)
          const dtype = f16 ? "f16" : "f32"
          const round = (v: Array<number>) => (f16 ? v : v.map(Math.fround))
          const out = empty(backend, [batch, M, N])
          backend.dispatch({ kernel: "matmul", a: operand(a, batch, M, K, ta, "f32"), b: operand(b, batch, K, N, tb, dtype), out })
          const want = matmulRef(round(a), round(b), batch, M, K, N)
          expect(closeness(await download(backend, out), want, f16 ? 2e-3 : 1e-5, f16 ? 2e-3 : 1e-5)).toBeLessThanOrEqual(1)
        }
      ),
      { numRuns: 60 }
    )
  })

  it("broadcasts a batch of b (stride 0) and accumulates into out", async () => {
    const [B, M, K, N] = [4, 3, 5, 2]
    const a = randomArray(B * M * K, 11)
    const b = randomArray(K * N, 12)
    const bv = upload(backend, b, [K, N])
    const out = upload(backend, new Array(B * M * N).fill(1), [B, M, N])
    backend.dispatch({
      kernel: "matmul",
      a: upload(backend, a, [B, M, K]),
      b: { ...bv, shape: [B, K, N], strides: [0, N, 1] },
      out,
      accumulate: true
    })
    const bb = Array.from({ length: B }, () => b).flat()
    const want = matmulRef(a, bb, B, M, K, N).map((v) => v + 1)
    expect(closeness(await download(backend, out), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1)
  })

  it("decode-shaped f16 bᵀ (M < 4) read in place matches f64 on the f16 values (rel 1e-5)", async () => {
    const [M, K, N] = [3, 37, 11]
    const a = randomArray(M * K, 31)
    const b = randomArray(K * N, 32)
    const out = empty(backend, [1, M, N])
    backend.dispatch({ kernel: "matmul", a: upload(backend, a, [1, M, K]), b: operand(b, 1, K, N, true, "f16"), out })
    const b16 = b.map((x) => f16BitsToF32(f32ToF16Bits(x)))
    const want = matmulRef(a.map(Math.fround), b16, 1, M, K, N)
    expect(closeness(await download(backend, out), want, 1e-6, 1e-5)).toBeLessThanOrEqual(1)
  })

  it("handles blocks larger than one b block (K·N > 65536) in both orientations", async () => {
    const [M, K, N] = [2, 300, 257]
    const a = randomArray(M * K, 21)
    const b = randomArray(K * N, 22)
    for (const tb of [false, true]) {
      const out = empty(backend, [1, M, N])
      backend.dispatch({ kernel: "matmul", a: upload(backend, a, [1, M, K]), b: operand(b, 1, K, N, tb, "f32"), out })
      const want = matmulRef(a.map(Math.fround), b.map(Math.fround), 1, M, K, N)
      expect(closeness(await download(backend, out), want, 1e-5, 1e-5)).toBeLessThanOrEqual(1)
    }
  })
  it("reads layouts no GEMM takes in place (both strides non-unit), uneven batch offsets and a rank-2 b (rel 1e-5)", async () => {
    const [M, K, N] = [5, 6, 7]
    // a: every other element of a [2, 3, M, K, 2] array, batch dims stored as [3, 2] then permuted.
    const aStore = randomArray(3 * 2 * M * K * 2, 41)
    const av = upload(backend, aStore, [3, 2, M, K, 2])
    const a: View = { ...av, shape: [2, 3, M, K], strides: [av.strides[1]!, av.strides[0]!, av.strides[2]!, av.strides[3]!] }
    const b = randomArray(K * N, 42)
    const out = empty(backend, [2, 3, M, N])
    backend.dispatch({ kernel: "matmul", a, b: upload(backend, b, [K, N]), out })
    const aDense: Array<number> = []
    for (let i0 = 0; i0 < 2; i0++) {
      for (let i1 = 0; i1 < 3; i1++) {
        for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) aDense.push(aStore[(((i1 * 2 + i0) * M + m) * K + k) * 2]!)
      }
    }
    const want = matmulRef(aDense.map(Math.fround), Array.from({ length: 6 }, () => b.map(Math.fround)).flat(), 6, M, K, N)
    expect(closeness(await download(backend, out), want, 1e-5, 1e-5)).toBeLessThanOrEqual(1)
  })

  it("writes and accumulates f16 outputs (rel 2e-3: one f16 rounding)", async () => {
    const [M, K, N] = [4, 9, 6]
    const a = randomArray(M * K, 43)
    const b = randomArray(K * N, 44)
    const start = randomArray(M * N, 45)
    const out = upload(backend, start, [1, M, N], "f16")
    backend.dispatch({ kernel: "matmul", a: upload(backend, a, [1, M, K]), b: operand(b, 1, K, N, true, "f32"), out, accumulate: true })
    const r16 = (x: number) => f16BitsToF32(f32ToF16Bits(x))
    const want = matmulRef(a.map(Math.fround), b.map(Math.fround), 1, M, K, N).map((v, i) => v + r16(start[i]!))
    expect(closeness(await download(backend, out), want, 2e-3, 2e-3)).toBeLessThanOrEqual(1)
  })

  it("K = 0 gives zeros, or leaves out unchanged when accumulating", async () => {
    const [M, N] = [3, 4]
    const a = upload(backend, [], [M, 0])
    const b = upload(backend, [], [0, N])
    const fresh = upload(backend, new Array(M * N).fill(7), [M, N])
    backend.dispatch({ kernel: "matmul", a, b, out: fresh })
    expect(await download(backend, fresh)).toEqual(new Array(M * N).fill(0))
    const kept = upload(backend, new Array(M * N).fill(7), [M, N])
    backend.dispatch({ kernel: "matmul", a, b, out: kept, accumulate: true })
    expect(await download(backend, kept)).toEqual(new Array(M * N).fill(7))
  })
})
