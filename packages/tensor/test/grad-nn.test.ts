import { afterAll, beforeAll, describe, it } from "vitest"
import type { Backend } from "../src/backend/Backend.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import * as T from "../src/index.ts"
import { type GemmMode, gemmModes } from "./support/gemmModes.ts"
import { broadcastTo, gradCheck } from "./support/gradcheck.ts"
import { attentionRef, logprobRef, matmulRef, rmsnormRef, ropeRef } from "./support/reference.ts"
import { randomArray } from "./support/views.ts"

// Tolerances: forward abs+rel 1e-5 (1e-4 where stated); gradients abs+rel 1e-3 unless stated.

const transpose2 = (x: ReadonlyArray<number>, R: number, C: number): Array<number> => {
  const out = new Array<number>(x.length)
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) out[j * R + i] = x[i * C + j]!
  return out
}

/** Makes `mode`'s CPU backend the default (where gradCheck creates its tensors) for one describe block. */
const useMode = (mode: GemmMode) => {
  let previous: Backend | undefined
  beforeAll(() => {
    previous = T.setDefaultBackend(makeCpuBackend(mode.options))
  })
  afterAll(() => {
    T.setDefaultBackend(previous)
  })
}

for (const mode of gemmModes) describe(`gradient of matmul (${mode.name})`, () => {
  useMode(mode)
  it("2-D with awkward sizes", async () => {
    const [M, K, N] = [3, 7, 5]
    await gradCheck({
      inputs: [{ values: randomArray(M * K, 1), shape: [M, K] }, { values: randomArray(K * N, 2), shape: [K, N] }],
      forward: ([a, b]) => T.matmul(a!, b!),
      reference: ([a, b]) => matmulRef(a!, b!, 1, M, K, N)
    })
  })
  it("transposed operands through strides (x @ Wᵀ, Aᵀ @ B)", async () => {
    const [M, K, N] = [2, 5, 3]
    await gradCheck({
      inputs: [{ values: randomArray(M * K, 3), shape: [M, K] }, { values: randomArray(N * K, 4), shape: [N, K] }],
      forward: ([a, w]) => T.matmul(a!, T.transpose(w!)),
      reference: ([a, w]) => matmulRef(a!, transpose2(w!, N, K), 1, M, K, N)
    })
    await gradCheck({
      inputs: [{ values: randomArray(K * M, 5), shape: [K, M] }, { values: randomArray(K * N, 6), shape: [K, N] }],
      forward: ([a, b]) => T.matmul(T.transpose(a!), b!),
      reference: ([a, b]) => matmulRef(transpose2(a!, K, M), b!, 1, M, K, N)
    })
  })
  it("batched with a broadcast operand ([2, 3, M, K] @ [K, N] and [1, 3, ...] @ [2, 1, ...])", async () => {
    const [M, K, N] = [2, 3, 4]
    const a = randomArray(2 * 3 * M * K, 7)
    const w = randomArray(K * N, 8)
    await gradCheck({
      inputs: [{ values: a, shape: [2, 3, M, K] }, { values: w, shape: [K, N] }],
      forward: ([x, y]) => T.matmul(x!, y!),
      reference: ([x, y]) => matmulRef(x!, broadcastTo(y!, [K, N], [6, K, N]), 6, M, K, N)
    })
    const p = randomArray(3 * M * K, 9)
    const q = randomArray(2 * K * N, 10)
    await gradCheck({
      inputs: [{ values: p, shape: [1, 3, M, K] }, { values: q, shape: [2, 1, K, N] }],
      forward: ([x, y]) => T.matmul(x!, y!),
      reference: ([x, y]) =>
        matmulRef(broadcastTo(x!, [1, 3, M, K], [2, 3, M, K]), broadcastTo(y!, [2, 1, K, N], [2, 3, K, N]), 6, M, K, N)
    })
  })
})

const softmaxRows = (x: ReadonlyArray<number>, d: number, log: boolean): Array<number> => {
  const out: Array<number> = []
  for (let r = 0; r < x.length / d; r++) {
    const row = x.slice(r * d, r * d + d)
    const m = Math.max(...row)
    const z = row.reduce((a, v) => a + Math.exp(v - m), 0)
    for (const v of row) out.push(log ? v - m - Math.log(z) : Math.exp(v - m) / z)
  }
  return out
}

describe("gradients of fused nn ops", () => {
  it("softmax and log-softmax (also of a transposed input)", async () => {
    const x = randomArray(3 * 7, 11, 3)
    for (const log of [false, true]) {
      await gradCheck({
        inputs: [{ values: x, shape: [3, 7] }],
        forward: ([t]) => (log ? T.logSoftmax(t!) : T.softmax(t!)),
        reference: ([v]) => softmaxRows(v!, 7, log)
      })
      await gradCheck({
        inputs: [{ values: x, shape: [7, 3] }],
        forward: ([t]) => (log ? T.logSoftmax(T.transpose(t!)) : T.softmax(T.transpose(t!))),
        reference: ([v]) => softmaxRows(transpose2(v!, 7, 3), 7, log)
      })
    }
  })
  it("rmsnorm in x and weight", async () => {
    const [rows, d] = [5, 11]
    await gradCheck({
      inputs: [{ values: randomArray(rows * d, 12, 2), shape: [1, rows, d] }, { values: randomArray(d, 13), shape: [d] }],
      forward: ([x, w]) => T.rmsnorm(x!, w!, 1e-6),
      reference: ([x, w]) => rmsnormRef(x!, w!, d, 1e-6)
    })
  })
  it("rope (positions up to 37, θ = 10000)", async () => {
    const shape = [2, 3, 5, 6]
    const positions = [0, 1, 2, 3, 4, 10, 11, 12, 36, 37]
    await gradCheck({
      inputs: [{ values: randomArray(2 * 3 * 5 * 6, 14), shape }, { values: positions, shape: [2, 5], dtype: "i32" }],
      forward: ([x, p]) => T.rope(x!, p!, 10000),
      reference: ([x]) => ropeRef(x!, shape, positions, 10000),
      forwardTol: 1e-4
    })
  })
  it("embedding with repeated ids (scatter-add)", async () => {
    const [V, D] = [6, 4]
    const ids = [5, 0, 5, 2, 5, 1]
    await gradCheck({
      inputs: [{ values: randomArray(V * D, 18), shape: [V, D] }, { values: ids, shape: [2, 3], dtype: "i32" }],
      forward: ([t, i]) => T.embedding(t!, i!),
      reference: ([t]) => ids.flatMap((i) => t!.slice(i * D, i * D + D))
    })
  })
  it("logprobGather with an ignored target", async () => {
    const [N, V] = [5, 7]
    const targets = [3, -100, 6, 0, 3]
    await gradCheck({
      inputs: [{ values: randomArray(N * V, 19, 3), shape: [N, V] }, { values: targets, shape: [N], dtype: "i32" }],
      forward: ([l, t]) => T.logprobGather(l!, t!),
      reference: ([l]) => logprobRef(l!, V, targets)
    })
  })
  it("crossEntropy: mean NLL over unignored, masked tokens", async () => {
    const [B, Tn, V] = [2, 3, 5]
    const targets = [1, 4, -100, 0, 2, 2]
    const mask = [1, 1, 1, 0, 1, 1]
    await gradCheck({
      inputs: [
        { values: randomArray(B * Tn * V, 20, 2), shape: [B, Tn, V] },
        { values: targets, shape: [B, Tn], dtype: "i32" },
        { values: mask, shape: [B, Tn], grad: false }
      ],
      forward: ([l, t, m]) => T.crossEntropy(l!, t!, m!),
      reference: ([l]) => {
        const lp = logprobRef(l!, V, targets)
        let s = 0
        let n = 0
        lp.forEach((v, i) => {
          if (targets[i]! >= 0 && mask[i]) {
            s += v
            n++
          }
        })
        return [-s / n]
      }
    })
  })
})

for (const mode of gemmModes) describe(`gradient of attention (${mode.name})`, () => {
  useMode(mode)
  const attnCases = [
    { name: "causal MHA", B: 1, Hq: 2, Hkv: 2, T: 4, S: 4, D: 3, causal: true, qOffset: 0, kvLength: 4 },
    { name: "GQA 4:2, qOffset 3 over a longer cache, kvLength 6", B: 2, Hq: 4, Hkv: 2, T: 2, S: 7, D: 2, causal: true, qOffset: 3, kvLength: 6 },
    { name: "non-causal GQA 3:1", B: 1, Hq: 3, Hkv: 1, T: 3, S: 5, D: 4, causal: false, qOffset: 0, kvLength: 5 }
  ]
  for (const c of attnCases) {
    it(`attention in q, k, v: ${c.name}`, async () => {
      const qShape = [c.B, c.Hq, c.T, c.D]
      const kShape = [c.B, c.Hkv, c.S, c.D]
      const opts = { scale: 1 / Math.sqrt(c.D), causal: c.causal, qOffset: c.qOffset, kvLength: c.kvLength }
      await gradCheck({
        inputs: [
          { values: randomArray(c.B * c.Hq * c.T * c.D, 15), shape: qShape },
          { values: randomArray(c.B * c.Hkv * c.S * c.D, 16), shape: kShape },
          { values: randomArray(c.B * c.Hkv * c.S * c.D, 17), shape: kShape }
        ],
        forward: ([q, k, v]) => T.attention(q!, k!, v!, opts),
        reference: ([q, k, v]) => attentionRef(q!, qShape, k!, v!, kShape, opts).out
      })
    })
  }
})
