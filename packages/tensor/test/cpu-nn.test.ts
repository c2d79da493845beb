import { describe, expect, it } from "vitest"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { f16BitsToF32, f32ToF16Bits } from "../src/f16.ts"
import type { Backend } from "../src/backend/Backend.ts"
import type { View } from "../src/backend/Kernel.ts"
import { gemmModes } from "./support/gemmModes.ts"
import { attentionRef, logprobRef, numericGradient, rmsnormRef, ropeRef } from "./support/reference.ts"
import { closeness, download, empty, permuteView, randomArray, upload } from "./support/views.ts"

const backend = makeCpuBackend()
const dot = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.reduce((s, x, i) => s + x * b[i]!, 0)

describe("cpu rmsnorm", () => {
  const [rows, d, eps] = [3, 7, 1e-6]
  const x = randomArray(rows * d, 31, 2)
  const w = randomArray(d, 32, 1)
  it("forward matches f64 (rel 1e-5) and saves rstd", async () => {
    const out = empty(backend, [rows, d])
    const rstd = empty(backend, [rows])
    backend.dispatch({ kernel: "rmsnorm", x: upload(backend, x, [rows, d]), weight: upload(backend, w, [d]), eps, out, rstd })
    expect(closeness(await download(backend, out), rmsnormRef(x, w, d, eps), 1e-6, 1e-5)).toBeLessThanOrEqual(1)
    const r = await download(backend, rstd)
    for (let i = 0; i < rows; i++) {
      const ms = x.slice(i * d, i * d + d).reduce((a, v) => a + v * v, 0) / d
      expect(Math.abs(r[i]! - 1 / Math.sqrt(ms + eps))).toBeLessThan(1e-5 / Math.sqrt(ms + eps))
    }
  })
  it("backward matches central differences of the f64 forward (abs+rel 1e-4)", async () => {
    const dy = randomArray(rows * d, 33)
    const xv = upload(backend, x, [rows, d])
    const wv = upload(backend, w, [d])
    const out = empty(backend, [rows, d])
    const rstd = empty(backend, [rows])
    backend.dispatch({ kernel: "rmsnorm", x: xv, weight: wv, eps, out, rstd })
    const dx = empty(backend, [rows, d])
    const dweight = empty(backend, [d])
    backend.dispatch({ kernel: "rmsnormBackward", x: xv, weight: wv, rstd, dy: upload(backend, dy, [rows, d]), dx, dweight })
    const gx = numericGradient((xs) => dot(rmsnormRef(xs, w, d, eps), dy), x)
    const gw = numericGradient((ws) => dot(rmsnormRef(x, ws, d, eps), dy), w)
    expect(closeness(await download(backend, dx), gx, 1e-4, 1e-4)).toBeLessThanOrEqual(1)
    expect(closeness(await download(backend, dweight), gw, 1e-4, 1e-4)).toBeLessThanOrEqual(1)
  })
})

describe("cpu rope", () => {
  const shape = [2, 3, 5, 8] as const
  const x = randomArray(2 * 3 * 5 * 8, 41)
  const positions = [0, 1, 2, 3, 4, 7, 100, 1000, 4095, 2]
  it("matches the rotate-half formula in f64 (abs 1e-5 at positions ≤ 4095), strided input", async () => {
    // Store x as [B, T, H, D] and view it as [B, H, T, D], as the model does after a projection.
    const [B, H, T, D] = shape
    const bthd: Array<number> = new Array(x.length)
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) bthd[((b * T + t) * H + h) * D + d] = x[((b * H + h) * T + t) * D + d]!
      }
    }
    const xv = permuteView(upload(backend, bthd, [B, T, H, D]), [0, 2, 1, 3])
    const out = empty(backend, [...shape])
    const pv = upload(backend, positions, [B, T], "i32")
    backend.dispatch({ kernel: "rope", x: xv, positions: pv, theta: 10000, inverse: false, out })
    // f32 angles at position 4095 carry ≈ 4095 · 2^-24 rad of error: abs 1e-3 bound there.
    expect(closeness(await download(backend, out), ropeRef(x, shape, positions, 10000), 1e-3, 0)).toBeLessThanOrEqual(1)
    const back = empty(backend, [...shape])
    backend.dispatch({ kernel: "rope", x: out, positions: pv, theta: 10000, inverse: true, out: back })
    expect(closeness(await download(backend, back), x, 1e-5, 1e-5)).toBeLessThanOrEqual(1)
  })
  it("small positions agree to f32 precision (abs 2e-6)", async () => {
    const small = positions.map((p) => p % 8)
    const out = empty(backend, [...shape])
    backend.dispatch({
      kernel: "rope",
      x: upload(backend, x, [...shape]),
      positions: upload(backend, small, [2, 5], "i32"),
      theta: 1e6,
      inverse: false,
      out
    })
    expect(closeness(await download(backend, out), ropeRef(x, shape, small, 1e6), 2e-6, 0)).toBeLessThanOrEqual(1)
  })
  it("cos/sin rows shared across calls stay per (theta, D) and survive the cache filling up (abs 2e-6 / 1e-3)", async () => {
    const small = positions.map((p) => p % 8)
    const pv = upload(backend, small, [2, 5], "i32")
    const xv = upload(backend, x, [...shape])
    const ropeAt = async (theta: number, pos: View, values: ReadonlyArray<number>, tol: number) => {
      const out = empty(backend, [...shape])
      backend.dispatch({ kernel: "rope", x: xv, positions: pos, theta, inverse: false, out })
      expect(closeness(await download(backend, out), ropeRef(x, shape, values, theta), tol, 0), `theta ${theta}`).toBeLessThanOrEqual(1)
    }
    // Same positions, three thetas in turns: each call must use its own theta's rows.
    for (const theta of [10000, 1e6, 10000, 500]) await ropeAt(theta, pv, small, 2e-6)
    // Over 4,096 distinct positions through the cache (it clears), then the small ones again.
    const many = Array.from({ length: 10 * 450 }, (_, i) => i)
    const wide = [2, 3, 450, 8] as const
    const xs = randomArray(2 * 3 * 450 * 8, 42)
    const out = empty(backend, [...wide])
    backend.dispatch({ kernel: "rope", x: upload(backend, xs, [...wide]), positions: upload(backend, many.slice(0, 900), [2, 450], "i32"), theta: 10000, inverse: false, out })
    expect(closeness(await download(backend, out), ropeRef(xs, wide, many.slice(0, 900), 10000), 1e-3, 0)).toBeLessThanOrEqual(1)
    for (let k = 1; k < 5; k++) {
      const o = empty(backend, [...wide])
      backend.dispatch({ kernel: "rope", x: upload(backend, xs, [...wide]), positions: upload(backend, many.slice(900 * k, 900 * (k + 1)), [2, 450], "i32"), theta: 10000, inverse: false, out: o })
    }
    await ropeAt(10000, pv, small, 2e-6)
  })
})

for (const mode of gemmModes) describe(`cpu attention (${mode.name})`, () => {
  const backend = makeCpuBackend(mode.options)
  const cases = [
    { name: "MHA causal", B: 1, Hq: 2, Hkv: 2, T: 5, S: 5, D: 4, causal: true, qOffset: 0, kvLength: 5 },
    { name: "GQA 3:1 non-causal", B: 2, Hq: 3, Hkv: 1, T: 3, S: 7, D: 5, causal: false, qOffset: 0, kvLength: 7 },
    { name: "GQA 4:2 decode with qOffset and kvLength", B: 2, Hq: 4, Hkv: 2, T: 2, S: 11, D: 3, causal: true, qOffset: 6, kvLength: 8 },
    { name: "row with no visible key", B: 1, Hq: 1, Hkv: 1, T: 3, S: 4, D: 2, causal: true, qOffset: -1, kvLength: 4 },
    // Completions after a shared prompt (prefix sharing): queries are the last T of S keys.
    { name: "GQA 2:1 bottom-right-aligned causal (qOffset = S − T)", B: 2, Hq: 2, Hkv: 1, T: 3, S: 7, D: 4, causal: true, qOffset: 4, kvLength: 7 }
  ]
  for (const c of cases) {
    it(`${c.name}: forward vs explicit softmax(QKᵀ)V (abs 1e-5), backward vs central differences (abs+rel 2e-4)`, async () => {
      const qShape = [c.B, c.Hq, c.T, c.D]
      const kShape = [c.B, c.Hkv, c.S, c.D]
      const q = randomArray(c.B * c.Hq * c.T * c.D, 51)
      const k = randomArray(c.B * c.Hkv * c.S * c.D, 52)
      const v = randomArray(c.B * c.Hkv * c.S * c.D, 53)
      const opts = { scale: 1 / Math.sqrt(c.D), causal: c.causal, qOffset: c.qOffset, kvLength: c.kvLength }
      const qv = upload(backend, q, qShape)
      const kv = upload(backend, k, kShape)
      const vv = upload(backend, v, kShape)
      const out = empty(backend, qShape)
      const lse = empty(backend, qShape.slice(0, 3))
      backend.dispatch({ kernel: "attention", q: qv, k: kv, v: vv, out, lse, ...opts })
      const ref = attentionRef(q, qShape, k, v, kShape, opts)
      expect(closeness(await download(backend, out), ref.out, 1e-5, 1e-5)).toBeLessThanOrEqual(1)
      const gotLse = await download(backend, lse)
      gotLse.forEach((l, i) => {
        if (ref.lse[i] === Number.NEGATIVE_INFINITY) expect(l).toBe(Number.NEGATIVE_INFINITY)
        else expect(Math.abs(l - ref.lse[i]!)).toBeLessThan(1e-5)
      })
      const dout = randomArray(ref.out.length, 54)
      const dq = empty(backend, qShape)
      const dk = empty(backend, kShape)
      const dv = empty(backend, kShape)
      backend.dispatch({
        kernel: "attentionBackward",
        q: qv,
        k: kv,
        v: vv,
        out,
        lse,
        dout: upload(backend, dout, qShape),
        dq,
        dk,
        dv,
        ...opts
      })
      const loss = (qq: Array<number>, kk: Array<number>, vv2: Array<number>) => dot(attentionRef(qq, qShape, kk, vv2, kShape, opts).out, dout)
      expect(closeness(await download(backend, dq), numericGradient((x) => loss(x, k, v), q), 2e-4, 2e-4)).toBeLessThanOrEqual(1)
      expect(closeness(await download(backend, dk), numericGradient((x) => loss(q, x, v), k), 2e-4, 2e-4)).toBeLessThanOrEqual(1)
      expect(closeness(await download(backend, dv), numericGradient((x) => loss(q, k, x), v), 2e-4, 2e-4)).toBeLessThanOrEqual(1)
    })
  }

  it("kvLengths overrides kvLength per batch row (abs 1e-5)", async () => {
    const qShape = [3, 2, 2, 4]
    const kShape = [3, 1, 6, 4]
    const q = randomArray(48, 61)
    const k = randomArray(72, 62)
    const v = randomArray(72, 63)
    const kvLengths = [6, 2, 4]
    const out = empty(backend, qShape)
    const lse = empty(backend, [3, 2, 2])
    const opts = { scale: 0.5, causal: false, qOffset: 0, kvLength: 6 }
    backend.dispatch({
      kernel: "attention",
      q: upload(backend, q, qShape),
      k: upload(backend, k, kShape),
      v: upload(backend, v, kShape),
      out,
      lse,
      ...opts,
      kvLengths: upload(backend, kvLengths, [3], "i32")
    })
    const ref = attentionRef(q, qShape, k, v, kShape, { ...opts, kvLengths })
    expect(closeness(await download(backend, out), ref.out, 1e-5, 1e-5)).toBeLessThanOrEqual(1)
  })
  // Larger than one 64-row tile, so tiles, the causal skip and GQA batching are exercised; the
  // backward is compared with the JavaScript kernels (finite-difference checked above).
  const big = [
    { name: "causal MHA, T 150", B: 1, Hq: 2, Hkv: 2, T: 150, S: 150, D: 8, causal: true, qOffset: 0, kvLength: 150 },
    { name: "causal GQA 4:2, qOffset 13, kvLength 75 < S", B: 2, Hq: 4, Hkv: 2, T: 67, S: 80, D: 5, causal: true, qOffset: 13, kvLength: 75 },
    { name: "causal, first rows see no key (qOffset -70)", B: 1, Hq: 2, Hkv: 1, T: 100, S: 40, D: 4, causal: true, qOffset: -70, kvLength: 40 },
    { name: "non-causal GQA 3:1, T 130", B: 1, Hq: 3, Hkv: 1, T: 130, S: 90, D: 6, causal: false, qOffset: 0, kvLength: 90 }
  ]
  const js = makeCpuBackend({ gemm: "js" })
  for (const c of big) {
    it(`${c.name}: forward vs f64 reference (abs+rel 1e-5), backward vs the JavaScript kernels (abs+rel 1e-5)`, async () => {
      const qShape = [c.B, c.Hq, c.T, c.D]
      const kShape = [c.B, c.Hkv, c.S, c.D]
      const q = randomArray(c.B * c.Hq * c.T * c.D, 81)
      const k = randomArray(c.B * c.Hkv * c.S * c.D, 82)
      const v = randomArray(c.B * c.Hkv * c.S * c.D, 83)
      const dout = randomArray(c.B * c.Hq * c.T * c.D, 84)
      const opts = { scale: 1 / Math.sqrt(c.D), causal: c.causal, qOffset: c.qOffset, kvLength: c.kvLength }
      const run = async (be: Backend) => {
        const [qv, kv, vv] = [upload(be, q, qShape), upload(be, k, kShape), upload(be, v, kShape)]
        const out = empty(be, qShape)
        const lse = empty(be, qShape.slice(0, 3))
        be.dispatch({ kernel: "attention", q: qv, k: kv, v: vv, out, lse, ...opts })
        const grads: Array<View> = [empty(be, qShape), empty(be, kShape), empty(be, kShape)]
        be.dispatch({ kernel: "attentionBackward", q: qv, k: kv, v: vv, out, lse, dout: upload(be, dout, qShape), dq: grads[0]!, dk: grads[1]!, dv: grads[2]!, ...opts })
        return { out: await download(be, out), lse: await download(be, lse), grads: await Promise.all(grads.map((g) => download(be, g))) }
      }
      const got = await run(backend)
      const ref = attentionRef(q, qShape, k, v, kShape, opts)
      expect(closeness(got.out, ref.out, 1e-5, 1e-5)).toBeLessThanOrEqual(1)
      got.lse.forEach((l, i) => {
        if (ref.lse[i] === Number.NEGATIVE_INFINITY) expect(l).toBe(Number.NEGATIVE_INFINITY)
        else expect(Math.abs(l - ref.lse[i]!)).toBeLessThan(1e-5)
      })
      const want = await run(js)
      got.grads.forEach((g, i) => expect(closeness(g, want.grads[i]!, 1e-5, 1e-5), ["dq", "dk", "dv"][i]).toBeLessThanOrEqual(1))
    })
  }
})

describe("cpu embedding", () => {
  it("gathers rows of an f16 table and scatter-adds repeated ids", async () => {
    const [V, D] = [5, 3]
    const table = randomArray(V * D, 71)
    const ids = [4, 0, 4, 2]
    const out = empty(backend, [4, D])
    const idv = upload(backend, ids, [4], "i32")
    backend.dispatch({ kernel: "embedding", table: upload(backend, table, [V, D], "f16"), ids: idv, out })
    const want = ids.flatMap((i) => table.slice(i * D, i * D + D).map((x) => f16BitsToF32(f32ToF16Bits(x))))
    expect(await download(backend, out)).toEqual(want)
    const dy = randomArray(4 * D, 72)
    const dtable = upload(backend, new Array(V * D).fill(1), [V, D])
    backend.dispatch({ kernel: "embeddingBackward", ids: idv, dy: upload(backend, dy, [4, D]), dtable })
    const wantD = new Array(V * D).fill(1)
    ids.forEach((id, n) => {
      for (let d = 0; d < D; d++) wantD[id * D + d] += dy[n * D + d]!
    })
    expect(closeness(await download(backend, dtable), wantD, 1e-6, 1e-6)).toBeLessThanOrEqual(1)
  })
})

describe("cpu scatterRows", () => {
  it("writes x's rows at distinct ids (f16 out rounds), skips out-of-range ids, leaves other rows", async () => {
    const [V, D] = [6, 3]
    const x = randomArray(4 * D, 73)
    const ids = [4, -1, 0, 6]
    const base = randomArray(V * D, 74)
    for (const dt of ["f32", "f16"] as const) {
      const out = upload(backend, base, [V, D], dt)
      backend.dispatch({ kernel: "scatterRows", ids: upload(backend, ids, [4], "i32"), x: upload(backend, x, [4, D]), out })
      const round = (v: number) => (dt === "f16" ? f16BitsToF32(f32ToF16Bits(v)) : Math.fround(v))
      const want = base.map(round)
      ids.forEach((id, n) => {
        if (id >= 0 && id < V) for (let d = 0; d < D; d++) want[id * D + d] = round(x[n * D + d]!)
      })
      expect(await download(backend, out)).toEqual(want) // exact: a copy
    }
  })
  it("reads x whole before writing, so rows may move within one buffer", async () => {
    const D = 2
    const data = [1, 2, 3, 4, 5, 6, 7, 8]
    const buf = upload(backend, data, [4, D])
    // Rows 0, 1 go to 1, 2: row 1 is read before it is overwritten.
    const x = { ...buf, shape: [2, D] }
    backend.dispatch({ kernel: "scatterRows", ids: upload(backend, [1, 2], [2], "i32"), x, out: buf })
    expect(await download(backend, buf)).toEqual([1, 2, 1, 2, 3, 4, 7, 8])
  })
})

describe("cpu logprobGather", () => {
  it("forward (abs 1e-5) with an ignored row; backward vs central differences (abs 1e-4)", async () => {
    const [N, V] = [4, 7]
    const logits = randomArray(N * V, 81, 4)
    const targets = [3, -100, 0, 6]
    const lv = upload(backend, logits, [N, V])
    const tv = upload(backend, targets, [N], "i32")
    const out = empty(backend, [N])
    const lse = empty(backend, [N])
    backend.dispatch({ kernel: "logprobGather", logits: lv, targets: tv, out, lse })
    expect(closeness(await download(backend, out), logprobRef(logits, V, targets), 1e-5, 1e-5)).toBeLessThanOrEqual(1)
    const dy = randomArray(N, 82)
    const dlogits = empty(backend, [N, V])
    backend.dispatch({ kernel: "logprobGatherBackward", logits: lv, targets: tv, lse, dy: upload(backend, dy, [N]), dlogits })
    const g = numericGradient((x) => dot(logprobRef(x, V, targets), dy), logits)
    expect(closeness(await download(backend, dlogits), g, 1e-4, 1e-4)).toBeLessThanOrEqual(1)
  })
  it("a target past the vocabulary gives 0 forward and a zero gradient row, like an ignored one", async () => {
    const [N, V] = [2, 3]
    const lv = upload(backend, [0.5, -1, 2, 1, 0, -2], [N, V])
    const tv = upload(backend, [1, V], [N], "i32")
    const out = empty(backend, [N])
    const lse = empty(backend, [N])
    backend.dispatch({ kernel: "logprobGather", logits: lv, targets: tv, out, lse })
    expect((await download(backend, out))[1]).toBe(0)
    const dlogits = empty(backend, [N, V])
    backend.dispatch({ kernel: "logprobGatherBackward", logits: lv, targets: tv, lse, dy: upload(backend, [1, 1], [N]), dlogits })
    const g = await download(backend, dlogits)
    expect(g.slice(V)).toEqual([0, 0, 0])
    expect(g.slice(0, V).some((x) => x !== 0)).toBe(true)
  })
})

describe("cpu adamw", () => {
  it("matches a scalar loop over three steps (rel 1e-5 f32 param; f16 param within one f16 ulp)", async () => {
    const n = 13
    const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, gradScale: 0.5 }
    for (const dtype of ["f32", "f16"] as const) {
      const p0 = randomArray(n, 91)
      const pv = upload(backend, p0, [n], dtype)
      const m = upload(backend, new Array(n).fill(0), [n])
      const v = upload(backend, new Array(n).fill(0), [n])
      const ps = dtype === "f16" ? p0.map((x) => f16BitsToF32(f32ToF16Bits(x))) : [...p0]
      const ms = new Array(n).fill(0)
      const vs = new Array(n).fill(0)
      for (let step = 1; step <= 3; step++) {
        const g = randomArray(n, 100 + step)
        const c1 = 1 - hyper.beta1 ** step
        const c2 = 1 - hyper.beta2 ** step
        backend.dispatch({ kernel: "adamw", param: pv, grad: upload(backend, g, [n]), m, v, ...hyper, biasCorrection1: c1, biasCorrection2: c2 })
        for (let i = 0; i < n; i++) {
          const gi = g[i]! * hyper.gradScale
          ms[i] = hyper.beta1 * ms[i] + (1 - hyper.beta1) * gi
          vs[i] = hyper.beta2 * vs[i] + (1 - hyper.beta2) * gi * gi
          ps[i] = ps[i]! - hyper.lr * (ms[i] / c1 / (Math.sqrt(vs[i] / c2) + hyper.eps) + hyper.weightDecay * ps[i]!)
          if (dtype === "f16") ps[i] = f16BitsToF32(f32ToF16Bits(ps[i]!))
        }
      }
      const got = await download(backend, pv)
      if (dtype === "f32") expect(closeness(got, ps, 1e-6, 1e-5)).toBeLessThanOrEqual(1)
      else expect(closeness(got, ps, 1e-4, 2 ** -10)).toBeLessThanOrEqual(1)
      expect(closeness(await download(backend, m), ms, 1e-7, 1e-5)).toBeLessThanOrEqual(1)
    }
  })
})

describe("cpu random", () => {
  it("fills a view with the philox stream; a later counter continues it", async () => {
    const a = empty(backend, [10])
    const b = empty(backend, [4])
    backend.dispatch({ kernel: "random", distribution: "uniform", key: [1, 2], counter: 0, out: a })
    backend.dispatch({ kernel: "random", distribution: "uniform", key: [1, 2], counter: 6, out: b })
    const av = await download(backend, a)
    expect(await download(backend, b)).toEqual(av.slice(6))
    expect(new Set(av).size).toBe(10)
  })
})
