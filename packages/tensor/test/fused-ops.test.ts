/**
 * The fused ops `siluMul` (SwiGLU gate), `linear` (x · Wᵀ + bias with the bias in the
 * GEMM's output pass) and `addRmsnorm` (residual add + RMSNorm): finite-difference gradient checks against float64 forwards, and
 * checks against the unfused compositions they replace, on every CPU GEMM path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Backend } from "../src/backend/Backend.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import * as T from "../src/index.ts"
import { gemmModes } from "./support/gemmModes.ts"
import { gradCheck } from "./support/gradcheck.ts"
import { rmsnormRef } from "./support/reference.ts"
import { closeness, randomArray } from "./support/views.ts"

const silu = (x: number) => x / (1 + Math.exp(-x))

/** Makes a CPU backend the default (where gradCheck creates its tensors) for one describe block. */
const useBackend = (make: () => Backend) => {
  let previous: Backend | undefined
  beforeAll(() => {
    previous = T.setDefaultBackend(make())
  })
  afterAll(() => {
    T.setDefaultBackend(previous)
  })
}

/** Forward values and the input gradients of sum(f(inputs) · R), off fresh tensors. */
const valueAndGrads = async (
  values: ReadonlyArray<{ values: ReadonlyArray<number>; shape: ReadonlyArray<number> }>,
  f: (ts: ReadonlyArray<T.Tensor>) => T.Tensor
): Promise<{ out: Float32Array; grads: Array<Float32Array> }> => {
  const ts = values.map((v) => T.fromArray(v.values, v.shape, { requiresGrad: true }))
  const out = T.tidy(() => f(ts))
  const r = T.fromArray(randomArray(out.size, 77), out.shape)
  const loss = T.tidy(() => T.sum(T.mul(out, r)))
  loss.backward()
  const result = {
    out: (await out.toArray()) as Float32Array,
    grads: await Promise.all(ts.map(async (t) => (await t.grad!.toArray()) as Float32Array))
  }
  for (const t of [...ts, out, r, loss]) t.dispose()
  return result
}

describe("siluMul", () => {
  useBackend(() => makeCpuBackend())
  it("gradient matches central differences of the f64 forward (forward abs+rel 1e-5, gradients 1e-3)", async () => {
    const [R, C] = [3, 7]
    await gradCheck({
      inputs: [{ values: randomArray(R * C, 1, 4), shape: [R, C] }, { values: randomArray(R * C, 2, 2), shape: [R, C] }],
      forward: ([g, u]) => T.siluMul(g!, u!),
      reference: ([g, u]) => g!.map((x, i) => silu(x) * u![i]!)
    })
  })
  it("equals mul(silu(gate), up) bit for bit, forward and both gradients (tolerance 0), also on transposed inputs", async () => {
    const n = 4096
    // Scale 40: both branches of the overflow-free sigmoid and its saturated ends.
    const gate = { values: randomArray(n, 3, 40), shape: [64, 64] }
    const up = { values: randomArray(n, 4, 3), shape: [64, 64] }
    for (const view of [(t: T.Tensor) => t, (t: T.Tensor) => T.transpose(t)]) {
      const fused = await valueAndGrads([gate, up], ([g, u]) => T.siluMul(view(g!), view(u!)))
      const plain = await valueAndGrads([gate, up], ([g, u]) => T.mul(T.silu(view(g!)), view(u!)))
      expect(Array.from(fused.out)).toEqual(Array.from(plain.out))
      expect(Array.from(fused.grads[0]!)).toEqual(Array.from(plain.grads[0]!))
      expect(Array.from(fused.grads[1]!)).toEqual(Array.from(plain.grads[1]!))
    }
  })
  it("rejects different shapes and integer inputs with the shapes in the message", () => {
    const a = T.zeros([2, 3])
    const b = T.zeros([3, 2])
    expect(() => T.siluMul(a, b)).toThrow("siluMul: gate [2, 3] and up [3, 2] differ")
    const i = T.zeros([2, 3], { dtype: "i32" })
    expect(() => T.siluMul(a, i)).toThrow("float tensors")
    for (const t of [a, b, i]) t.dispose()
  })
})

for (const mode of gemmModes) describe(`linear (${mode.name})`, () => {
  useBackend(() => makeCpuBackend(mode.options))
  const matmulT = (x: ReadonlyArray<number>, w: ReadonlyArray<number>, rows: number, K: number, N: number): Array<number> => {
    const out = new Array<number>(rows * N).fill(0)
    for (let r = 0; r < rows; r++) for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) out[r * N + j]! += x[r * K + k]! * w[j * K + k]!
    return out
  }
  it("gradient of x · Wᵀ + b matches central differences (2-D and batched 3-D x; forward 1e-5, gradients 1e-3)", async () => {
    const [K, N] = [5, 4]
    for (const shape of [[3, K], [2, 3, K]]) {
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1)
      await gradCheck({
        inputs: [
          { values: randomArray(rows * K, 5), shape },
          { values: randomArray(N * K, 6), shape: [N, K] },
          { values: randomArray(N, 7), shape: [N] }
        ],
        forward: ([x, w, b]) => T.linear(x!, w!, b!),
        reference: ([x, w, b]) => matmulT(x!, w!, rows, K, N).map((v, i) => v + b![i % N]!)
      })
    }
  })
  it("equals add(matmul(x, Wᵀ), b) at a model shape (forward abs+rel 1e-6: one rounding instead of two; gradients 1e-5)", async () => {
    const [M, K, N] = [37, 64, 48]
    const inputs = [
      { values: randomArray(M * K, 8), shape: [M, K] },
      { values: randomArray(N * K, 9, 0.2), shape: [N, K] },
      { values: randomArray(N, 10), shape: [N] }
    ]
    const fused = await valueAndGrads(inputs, ([x, w, b]) => T.linear(x!, w!, b!))
    const plain = await valueAndGrads(inputs, ([x, w, b]) => T.add(T.matmul(x!, T.transpose(w!)), b!))
    expect(closeness(fused.out, plain.out, 1e-6, 1e-6)).toBeLessThanOrEqual(1)
    for (let i = 0; i < 3; i++) expect(closeness(fused.grads[i]!, plain.grads[i]!, 1e-5, 1e-5), `gradient ${i}`).toBeLessThanOrEqual(1)
  })
  it("without a bias is matmul(x, Wᵀ) exactly, and rejects a bias of the wrong size", async () => {
    const x = T.fromArray(randomArray(12, 11), [3, 4])
    const w = T.fromArray(randomArray(8, 12), [2, 4])
    const a = T.linear(x, w)
    const b = T.matmul(x, T.transpose(w))
    expect(Array.from(await a.toArray())).toEqual(Array.from(await b.toArray()))
    const bias = T.zeros([3])
    expect(() => T.linear(x, w, bias)).toThrow("linear: bias [3] for 2 outputs")
    for (const t of [x, w, a, b, bias]) t.dispose()
  })
})

describe("addRmsnorm", () => {
  useBackend(() => makeCpuBackend())
  const [rows, d, eps] = [4, 9, 1e-6]
  it("gradients of sum and norm match central differences (forward 1e-5, gradients 1e-3)", async () => {
    const inputs = [
      { values: randomArray(rows * d, 21, 2), shape: [rows, d] },
      { values: randomArray(rows * d, 22, 2), shape: [rows, d] },
      { values: randomArray(d, 23), shape: [d] }
    ]
    const sumOf = (x: ReadonlyArray<number>, r: ReadonlyArray<number>) => x.map((v, i) => v + r[i]!)
    // The two outputs, each on its own (the other one unused), then both used at once.
    await gradCheck({
      inputs,
      forward: ([x, r, w]) => T.addRmsnorm(x!, r!, w!, eps).out,
      reference: ([x, r, w]) => rmsnormRef(sumOf(x!, r!), w!, d, eps)
    })
    await gradCheck({
      // The sum does not depend on the weight: no gradient there.
      inputs: [inputs[0]!, inputs[1]!, { ...inputs[2]!, grad: false }],
      forward: ([x, r, w]) => T.addRmsnorm(x!, r!, w!, eps).sum,
      reference: ([x, r]) => sumOf(x!, r!)
    })
    await gradCheck({
      inputs,
      forward: ([x, r, w]) => {
        const { out, sum } = T.addRmsnorm(x!, r!, w!, eps)
        return T.add(out, T.mul(sum, 0.5))
      },
      reference: ([x, r, w]) => {
        const s = sumOf(x!, r!)
        return rmsnormRef(s, w!, d, eps).map((v, i) => v + 0.5 * s[i]!)
      }
    })
  })
  it("equals add then rmsnorm bit for bit, outputs and gradients (tolerance 0), also on transposed inputs", async () => {
    const [R, D] = [48, 64]
    const inputs = [
      { values: randomArray(R * D, 24, 3), shape: [R, D] },
      { values: randomArray(R * D, 25, 3), shape: [R, D] },
      { values: randomArray(D, 26), shape: [D] }
    ]
    const both = (out: T.Tensor, sum: T.Tensor) => T.add(out, T.mul(sum, 0.25))
    for (const view of [(t: T.Tensor) => t, (t: T.Tensor) => T.transpose(T.reshape(t, [D, R]))]) {
      const fused = await valueAndGrads(inputs, ([x, r, w]) => {
        const { out, sum } = T.addRmsnorm(view(x!), view(r!), w!, eps)
        return both(out, sum)
      })
      const plain = await valueAndGrads(inputs, ([x, r, w]) => {
        const sum = T.add(view(x!), view(r!))
        return both(T.rmsnorm(sum, w!, eps), sum)
      })
      expect(Array.from(fused.out)).toEqual(Array.from(plain.out))
      for (let i = 0; i < 3; i++) expect(Array.from(fused.grads[i]!), `gradient ${i}`).toEqual(Array.from(plain.grads[i]!))
    }
  })
  it("rejects mismatched shapes with both shapes in the message", () => {
    const a = T.zeros([2, 3])
    const b = T.zeros([3, 3])
    const w = T.zeros([3])
    expect(() => T.addRmsnorm(a, b, w)).toThrow("addRmsnorm: x [2, 3] and residual [3, 3] differ")
    for (const t of [a, b, w]) t.dispose()
  })
})
