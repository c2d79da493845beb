/**
 * WebGPU embeddingBackward (deterministic sort-based scatter-add) at GRPO batch sizes:
 * up to 100k ids with many repeats, one id repeated everywhere, all ids distinct,
 * out-of-range ids, strided views, views past the binding limit, against the CPU reference,
 * plus bit-identical reruns.
 *
 * f32: both backends add a row's contributions onto the old value one by one in ascending
 * position order in f32, so the results must be bit-identical (atol 0, rtol 0).
 * f16: the CPU rounds to f16 after every addition, the GPU once at the end, so f16 is
 * checked against a float64 sum of the same f16 inputs instead: one f16 rounding
 * (2^-11 relative) plus f32 accumulation error, bounded by atol 1e-4 + rtol 2^-10.
 */
import { afterAll, beforeAll, expect, it } from "vitest"
import type { DType } from "../src/backend/Kernel.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { makeWebGpuBackend, type WebGpuBackend } from "../src/backend/webgpu/index.ts"
import { fromF16Array, toF16Array } from "../src/f16.ts"
import { close, describeWebGpu, download, type Dual, type DualView, type Pair, randoms, run, upload, view, worst } from "./webgpuHarness.ts"

const backends: Array<WebGpuBackend> = []
let p: Pair
/** The sort inside workgroup tiles (real GPUs), forced on through rowsPerThread: false. */
let tiled: Pair

/** Values as the backends store them (f16 rounded). */
const stored = (values: ArrayLike<number>, dtype: DType): Float64Array =>
  dtype === "f16" ? Float64Array.from(fromF16Array(toF16Array(values))) : Float64Array.from(Float32Array.from(values))

interface Case {
  readonly name: string
  readonly V: number
  readonly D: number
  readonly ids: ReadonlyArray<number>
}

/** Deterministic pseudo-random integers in [lo, hi). */
const ints = (n: number, seed: number, lo: number, hi: number): Array<number> =>
  Array.from(randoms(n, seed, lo, hi), Math.floor)

const CASES: ReadonlyArray<Case> = [
  {
    name: "100k ids, many repeats, out-of-range ids",
    V: 1000,
    D: 8,
    // About 100 repeats per id; every 97th id is pushed outside [0, V) on either side.
    ids: ints(100_000, 1, 0, 1000).map((id, n) => n % 97 === 0 ? (n % 2 === 0 ? -1 - id : 1000 + id) : id)
  },
  { name: "60k copies of one id", V: 16, D: 5, ids: Array.from({ length: 60_000 }, () => 7) },
  {
    name: "30k distinct ids (a permutation)",
    V: 30_000,
    D: 4,
    ids: Array.from({ length: 30_000 }, (_, n) => (n * 7919) % 30_000)
  },
  {
    // Fewer ids than rows: the add pass runs over the sorted ids rather than the rows.
    name: "20k ids over 100k rows, repeats and out-of-range ids",
    V: 100_000,
    D: 3,
    ids: ints(20_000, 3, -100, 100_100).map((id, n) => (n % 5 === 0 ? 4242 : id))
  },
  { name: "one id", V: 3, D: 3, ids: [2] },
  { name: "three ids, none in range", V: 4, D: 2, ids: [-1, 4, 2_000_000_000] },
  { name: "odd length, mixed", V: 11, D: 6, ids: [3, 0, 3, 10, 5, 3, -1, 0, 11, 7, 7, 2, 3, 9, 1, 0, 4] }
]

/** Runs embeddingBackward on both backends into copies of one random table; returns it. */
const backward = (p: Pair, c: Case, dt: DType, ids: DualView, seed: number): Dual => {
  const N = c.ids.length
  const dtable = upload(p, randoms(c.V * c.D, seed), dt)
  const dy = upload(p, randoms(N * c.D, seed + 1), dt)
  run(p, (V) => ({ kernel: "embeddingBackward", ids: V(ids), dy: V(view(dy, [N, c.D])), dtable: V(view(dtable, [c.V, c.D])) }))
  return dtable
}

/** float64 reference: the old table plus every in-range contribution. */
const reference = (c: Case, dt: DType, seed: number): Float64Array => {
  const t = stored(randoms(c.V * c.D, seed), dt)
  const dy = stored(randoms(c.ids.length * c.D, seed + 1), dt)
  c.ids.forEach((id, n) => {
    if (id < 0 || id >= c.V) return
    for (let d = 0; d < c.D; d++) t[id * c.D + d]! += dy[n * c.D + d]!
  })
  return t
}

describeWebGpu("webgpu embeddingBackward at scale", {
  // Cold shader compilation on llvmpipe takes seconds per kernel.
  timeout: 120_000
}, () => {
  beforeAll(async () => {
    const cpu = makeCpuBackend()
    for (const rowsPerThread of [undefined, false]) {
      const gpu = await makeWebGpuBackend({ label: "test-embedding-backward", ...(rowsPerThread === undefined ? {} : { rowsPerThread }) })
      backends.push(gpu)
      if (rowsPerThread === undefined) p = { cpu, gpu }
      else tiled = { cpu, gpu }
    }
  })
  afterAll(() => {
    for (const b of backends) b.dispose()
  })

  for (const c of CASES) {
    it(`${c.name}: f32 bit-identical to the CPU, f16 within one rounding of the exact sum (adapter default and tiled sort)`, async () => {
      for (const q of [p, tiled]) {
        const ids = view(upload(q, c.ids, "i32"), [c.ids.length])
        await close(q, backward(q, c, "f32", ids, 11), 0, 0) // same f32 additions in the same order
        const { gpu: g } = await download(q, backward(q, c, "f16", ids, 11))
        const w = worst({ cpu: reference(c, "f16", 11), gpu: g }, 1e-4, 2 ** -10)
        expect(w.ratio, `worst element ${JSON.stringify(w)}`).toBeLessThanOrEqual(1)
      }
    })
  }

  it("strided ids and dy views (offset, stride 3 ids, transposed dy)", async () => {
    const [N, V, D] = [5000, 300, 7]
    const raw = ints(3 * N + 2, 5, -10, V + 10)
    const ids = view(upload(p, raw, "i32"), [N], [3], 2)
    const dyT = upload(p, randoms(D * N + 1, 6))
    const dtable = upload(p, randoms(V * D, 7))
    run(p, (W) => ({ kernel: "embeddingBackward", ids: W(ids), dy: W(view(dyT, [N, D], [1, N], 1)), dtable: W(view(dtable, [V, D])) }))
    await close(p, dtable, 0, 0) // same f32 additions in the same order
  })

  it("dy and dtable past the binding limit (position blocks, row blocks) give the same sums", async () => {
    const small = await makeWebGpuBackend({ label: "embedding-windowed", maxBindingSize: 4096 })
    try {
      const q: Pair = { cpu: p.cpu, gpu: small }
      const [N, V, D] = [1000, 300, 8] // dy: 32 000 bytes, dtable: 9 600 bytes, binding: 4 096
      const ids = upload(q, ints(N, 13, -3, 60).map((x, n) => (n % 3 === 0 ? x + 240 : x)), "i32")
      const dy = upload(q, randoms(N * D, 14))
      const dtable = upload(q, randoms(V * D, 15))
      run(q, (W) => ({ kernel: "embeddingBackward", ids: W(view(ids, [N])), dy: W(view(dy, [N, D])), dtable: W(view(dtable, [V, D])) }))
      await close(q, dtable, 0, 0) // same f32 additions in the same order across blocks
    } finally {
      small.dispose()
    }
  })

  it("two runs are bit-identical (100k ids over 512 rows)", async () => {
    const c: Case = { name: "", V: 512, D: 16, ids: ints(100_000, 9, -5, 517) }
    const ids = view(upload(p, c.ids, "i32"), [c.ids.length])
    const a = await download(p, backward(p, c, "f32", ids, 21))
    const b = await download(p, backward(p, c, "f32", ids, 21))
    expect(Buffer.from(Float32Array.from(a.gpu).buffer).equals(Buffer.from(Float32Array.from(b.gpu).buffer))).toBe(true)
    // And a sanity bound against the exact sum, so an all-zero result cannot pass: f32 sums of ~200 terms.
    const w = worst({ cpu: reference(c, "f32", 21), gpu: a.gpu }, 1e-4, 1e-5)
    expect(w.ratio, `worst element ${JSON.stringify(w)}`).toBeLessThanOrEqual(1)
  })
})
