/**
 * The front end (ops, autograd, AdamW, memory) on the WebGPU backend: the same f64
 * gradient checks as the CPU suite, run with WebGPU as the default backend. Skipped with
 * a reason when no adapter exists (a failure in CI).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { WebGpuBackend } from "../src/backend/webgpu/index.ts"
import { makeWebGpuBackend } from "../src/backend/webgpu/index.ts"
import * as T from "../src/index.ts"
import { broadcastTo, gradCheck, reduceRef, zipBroadcast } from "./support/gradcheck.ts"
import { attentionRef, logprobRef, matmulRef, rmsnormRef, ropeRef } from "./support/reference.ts"
import { randomArray } from "./support/views.ts"
import { failWithoutAdapterInCi, skipReason } from "./webgpuHarness.ts"

failWithoutAdapterInCi()

// Tolerances: forward abs+rel 1e-4 (device transcendental functions are less exact than
// V8's), gradients abs+rel 2e-3 (f32 on the device vs f64 central differences).
const F = 1e-4
const G = 2e-3

describe.skipIf(skipReason !== undefined)(`front end on WebGPU${skipReason === undefined ? "" : ` (skipped: ${skipReason})`}`, () => {
  let gpu: WebGpuBackend
  beforeAll(async () => {
    gpu = await makeWebGpuBackend()
    T.setDefaultBackend(gpu)
  })
  afterAll(() => {
    T.setDefaultBackend(undefined)
    gpu.dispose()
  })

  it("broadcasting arithmetic and unary math", async () => {
    const [as, bs] = [[3, 1, 5], [4, 1]]
    const out = T.broadcastShapes(as, bs)
    const a = randomArray(15, 1).map((v) => 1.5 + v)
    const b = randomArray(4, 2).map((v) => 1.6 + v * 0.7)
    await gradCheck({
      inputs: [{ values: a, shape: as }, { values: b, shape: bs }],
      forward: ([x, y]) => T.div(T.mul(T.silu(x!), T.log(y!)), T.add(T.exp(T.neg(y!)), 1)),
      reference: ([x, y]) =>
        zipBroadcast(x!, as, y!, bs, out, (p, q) => ((p / (1 + Math.exp(-p))) * Math.log(q)) / (Math.exp(-q) + 1)),
      forwardTol: F,
      gradTol: G
    })
  })

  it("sum/mean/max reductions", async () => {
    const shape = [3, 5, 2]
    const x = randomArray(30, 3, 2)
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.add(T.mean(T.sum(t!, 2), 0), T.max(t!, 1, false).slice([null, 0]).reshape([3]).sum()),
      reference: ([v]) => {
        const s = reduceRef(v!, shape, [2], (g) => g.reduce((p, q) => p + q, 0)) // [3, 5]
        const mean = reduceRef(s, [3, 5], [0], (g) => g.reduce((p, q) => p + q, 0) / 3) // [5]
        const mx = reduceRef(v!, shape, [1], (g) => Math.max(...g)) // [3, 2]
        const extra = mx.filter((_, i) => i % 2 === 0).reduce((p, q) => p + q, 0)
        return mean.map((m) => m + extra)
      },
      forwardTol: F,
      gradTol: G
    })
  })

  it("matmul with a transposed f16 weight and a broadcast batch", async () => {
    const [M, K, N] = [3, 7, 5]
    const a = randomArray(2 * M * K, 4)
    const w = randomArray(N * K, 5).map((v) => T.f16BitsToF32(T.f32ToF16Bits(v)))
    await gradCheck({
      inputs: [{ values: a, shape: [2, M, K] }, { values: w, shape: [N, K], dtype: "f16", grad: false }],
      forward: ([x, y]) => T.matmul(x!, T.transpose(y!)),
      reference: ([x, y]) => {
        const wt: Array<number> = []
        for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) wt.push(y![n * K + k]!)
        return matmulRef(x!, broadcastTo(wt, [K, N], [2, K, N]), 2, M, K, N)
      },
      forwardTol: F,
      gradTol: G
    })
  })

  it("rmsnorm, rope, GQA attention", async () => {
    const [B, Hq, Hkv, Tn, D] = [1, 4, 2, 5, 6]
    const qShape = [B, Hq, Tn, D]
    const kShape = [B, Hkv, Tn, D]
    const positions = [0, 1, 2, 3, 4]
    const opts = { scale: 1 / Math.sqrt(D), causal: true, qOffset: 0, kvLength: Tn }
    await gradCheck({
      inputs: [
        { values: randomArray(B * Hq * Tn * D, 6), shape: qShape },
        { values: randomArray(B * Hkv * Tn * D, 7), shape: kShape },
        { values: randomArray(B * Hkv * Tn * D, 8), shape: kShape },
        { values: randomArray(D, 9), shape: [D] },
        { values: positions, shape: [B, Tn], dtype: "i32" }
      ],
      forward: ([q, k, v, w, p]) => T.attention(T.rope(T.rmsnorm(q!, w!), p!, 1e4), T.rope(k!, p!, 1e4), v!, opts),
      reference: ([q, k, v, w]) => {
        const qn = ropeRef(rmsnormRef(q!, w!, D, 1e-6), qShape, positions, 1e4)
        const kr = ropeRef(k!, kShape, positions, 1e4)
        return attentionRef(qn, qShape, kr, v!, kShape, opts).out
      },
      forwardTol: F,
      gradTol: G
    })
  })

  it("embedding, concat/slice and masked cross-entropy", async () => {
    const [V, D] = [6, 4]
    const ids = [5, 0, 5, 2]
    const targets = [1, -100, 3, 0]
    await gradCheck({
      inputs: [
        { values: randomArray(V * D, 10), shape: [V, D] },
        { values: ids, shape: [4], dtype: "i32" },
        { values: targets, shape: [4], dtype: "i32" }
      ],
      forward: ([t, i, tg]) => {
        const e = T.embedding(t!, i!)
        const logits = T.concat([e, T.slice(e, [null, { start: 1, stop: 3 }])], 1) // [4, 6]
        return T.crossEntropy(logits, tg!)
      },
      reference: ([t]) => {
        const logits = ids.flatMap((i) => {
          const row = t!.slice(i * D, i * D + D)
          return [...row, row[1]!, row[2]!]
        })
        const lp = logprobRef(logits, 6, targets)
        return [-(lp[0]! + lp[2]! + lp[3]!) / 3]
      },
      forwardTol: F,
      gradTol: G
    })
  })

  it("a training loop with AdamW keeps device liveBytes flat and lowers the loss", async () => {
    const rng = new T.Rng(3)
    const w1 = T.mul(T.randn([8, 16], { rng }), 0.3).keep().setRequiresGrad()
    const w2 = T.mul(T.randn([16, 5], { rng }), 0.3).keep().setRequiresGrad()
    const x = T.randn([6, 8], { rng }).keep()
    const targets = T.fromArray(new Int32Array([0, 3, 4, 1, 2, 2])).keep()
    const state = T.makeAdamWState([w1, w2])
    const step = async () => {
      const loss = T.tidy(() => T.crossEntropy(T.matmul(T.silu(T.matmul(x, w1)), w2), targets))
      loss.backward()
      const value = await loss.item()
      loss.dispose()
      T.adamwStep([w1, w2], undefined, state, { lr: 0.05 })
      w1.zeroGrad()
      w2.zeroGrad()
      return value
    }
    const first = await step()
    const base = gpu.memory().liveBytes
    let last = first
    for (let i = 0; i < 20; i++) last = await step()
    expect(gpu.memory().liveBytes).toBe(base)
    expect(last).toBeLessThan(first * 0.5)
    T.disposeAdamWState(state)
    for (const t of [w1, w2, x, targets]) t.dispose()
  })
})
