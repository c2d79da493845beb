import { describe, it } from "vitest"
import * as T from "../src/index.ts"
import { broadcastTo, gradCheck, zipBroadcast } from "./support/gradcheck.ts"
import { randomArray } from "./support/views.ts"

// Tolerances: forward abs+rel 1e-5 (f32 vs f64); gradients abs+rel 1e-3 (f32 autograd vs
// f64 central differences, h = 1e-5) unless stated.

const binaries: ReadonlyArray<[string, (a: T.Tensor, b: T.Tensor) => T.Tensor, (x: number, y: number) => number]> = [
  ["add", T.add, (x, y) => x + y],
  ["sub", T.sub, (x, y) => x - y],
  ["mul", T.mul, (x, y) => x * y],
  ["div", T.div, (x, y) => x / y],
  ["pow", T.pow, (x, y) => x ** y],
  ["maximum", T.maximum, Math.max],
  ["minimum", T.minimum, Math.min]
]

const shapePairs: ReadonlyArray<[Array<number>, Array<number>]> = [
  [[3, 1, 5], [4, 1]],
  [[7], [1]],
  [[2, 3], [2, 3]],
  [[1], [5, 1, 2]]
]

describe("gradients of broadcasting binary ops", () => {
  for (const [name, op, f] of binaries) {
    it(name, async () => {
      for (const [as, bs] of shapePairs) {
        const out = T.broadcastShapes(as, bs)
        const n = (s: ReadonlyArray<number>) => s.reduce((p, q) => p * q, 1)
        // Positive operands away from 0 keep div/pow/log smooth; offsets keep max/min away from ties.
        const a = randomArray(n(as), 1).map((v) => 1.5 + v)
        const b = randomArray(n(bs), 2).map((v) => 1.6 + v * 0.7)
        await gradCheck({
          inputs: [{ values: a, shape: as }, { values: b, shape: bs }],
          forward: ([x, y]) => op(x!, y!),
          reference: ([x, y]) => zipBroadcast(x!, as, y!, bs, out, f)
        })
      }
    })
  }

  it("clamp to [-0.5, 0.4] (inputs kept off the bounds)", async () => {
    const x = randomArray(12, 7).map((v) => (Math.abs(v + 0.5) < 0.05 || Math.abs(v - 0.4) < 0.05 ? v + 0.13 : v))
    await gradCheck({
      inputs: [{ values: x, shape: [3, 4] }],
      forward: ([t]) => T.clamp(t!, -0.5, 0.4),
      reference: ([v]) => v!.map((e) => Math.min(Math.max(e, -0.5), 0.4))
    })
  })

  it("numbers as operands (x * 3 - 1) / 2", async () => {
    await gradCheck({
      inputs: [{ values: randomArray(6, 3), shape: [2, 3] }],
      forward: ([x]) => T.div(T.sub(T.mul(x!, 3), 1), 2),
      reference: ([x]) => x!.map((v) => (v * 3 - 1) / 2)
    })
  })
})

const unaries: ReadonlyArray<[string, (x: T.Tensor) => T.Tensor, (x: number) => number, (v: number) => number]> = [
  ["neg", T.neg, (x) => -x, (v) => v],
  ["abs", T.abs, Math.abs, (v) => v + Math.sign(v) * 0.2],
  ["exp", T.exp, Math.exp, (v) => v],
  ["log", T.log, Math.log, (v) => v + 1.5],
  ["sqrt", T.sqrt, Math.sqrt, (v) => v + 1.5],
  ["rsqrt", T.rsqrt, (x) => 1 / Math.sqrt(x), (v) => v + 1.5],
  ["recip", T.recip, (x) => 1 / x, (v) => v + 1.5],
  ["square", T.square, (x) => x * x, (v) => v],
  ["tanh", T.tanh, Math.tanh, (v) => v * 2],
  ["sigmoid", T.sigmoid, (x) => 1 / (1 + Math.exp(-x)), (v) => v * 3],
  ["silu", T.silu, (x) => x / (1 + Math.exp(-x)), (v) => v * 3],
  ["relu", T.relu, (x) => Math.max(0, x), (v) => v + Math.sign(v) * 0.2],
  ["sin", T.sin, Math.sin, (v) => v * 3],
  ["cos", T.cos, Math.cos, (v) => v * 3]
]

describe("gradients of unary ops", () => {
  for (const [name, op, f, domain] of unaries) {
    it(name, async () => {
      await gradCheck({
        inputs: [{ values: randomArray(2 * 3 * 5, 4).map(domain), shape: [2, 3, 5] }],
        forward: ([x]) => op(x!),
        reference: ([x]) => x!.map(f)
      })
    })
  }
})

describe("gradient of where", () => {
  it("routes the gradient by a broadcast condition into broadcast branches", async () => {
    const cond = [1, 0, 1, 1, 0]
    const a = randomArray(3 * 5, 5)
    const b = randomArray(5, 6)
    await gradCheck({
      inputs: [
        { values: cond, shape: [5], grad: false },
        { values: a, shape: [3, 5] },
        { values: b, shape: [1, 5] }
      ],
      forward: ([c, x, y]) => T.where(c!, x!, y!),
      reference: ([c, x, y]) => {
        const C = broadcastTo(c!, [5], [3, 5])
        const Y = broadcastTo(y!, [1, 5], [3, 5])
        return x!.map((v, i) => (C[i] !== 0 ? v : Y[i]!))
      }
    })
  })
})
