import { describe, it } from "vitest"
import * as T from "../src/index.ts"
import { broadcastTo, gradCheck, permuteRef, reduceRef } from "./support/gradcheck.ts"
import { randomArray } from "./support/views.ts"

// Tolerances: forward abs+rel 1e-5; gradients abs+rel 1e-3 (f32 autograd vs f64 central differences).

const total = (xs: Array<number>) => xs.reduce((a, b) => a + b, 0)

describe("gradients of reductions", () => {
  const shape = [3, 5, 2]
  const x = randomArray(30, 11, 2)
  const cases: ReadonlyArray<[string, Array<number> | undefined]> = [["axis 1", [1]], ["axes 0,2", [0, 2]], ["all", undefined]]
  for (const [label, axes] of cases) {
    it(`sum and mean over ${label}, with and without keepdims`, async () => {
      const ax = axes ?? [0, 1, 2]
      const count = ax.reduce((n, a) => n * shape[a]!, 1)
      for (const keepdims of [false, true]) {
        await gradCheck({
          inputs: [{ values: x, shape }],
          forward: ([t]) => T.sum(t!, axes, keepdims),
          reference: ([v]) => reduceRef(v!, shape, ax, total)
        })
        await gradCheck({
          inputs: [{ values: x, shape }],
          forward: ([t]) => T.mean(t!, axes, keepdims),
          reference: ([v]) => reduceRef(v!, shape, ax, (g) => total(g) / count)
        })
      }
    })
  }
  it("max and min over each axis and overall", async () => {
    for (const axis of [0, 1, 2, -1]) {
      const a = axis < 0 ? axis + 3 : axis
      await gradCheck({
        inputs: [{ values: x, shape }],
        forward: ([t]) => T.max(t!, axis),
        reference: ([v]) => reduceRef(v!, shape, [a], (g) => Math.max(...g))
      })
      await gradCheck({
        inputs: [{ values: x, shape }],
        forward: ([t]) => T.min(t!, axis, true),
        reference: ([v]) => reduceRef(v!, shape, [a], (g) => Math.min(...g))
      })
    }
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.max(t!),
      reference: ([v]) => [Math.max(...v!)]
    })
  })
})

describe("gradients of views and copies", () => {
  const shape = [2, 3, 4]
  const x = randomArray(24, 21)
  it("permute and transpose", async () => {
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.permute(t!, [2, 0, 1]),
      reference: ([v]) => permuteRef(v!, shape, [2, 0, 1])
    })
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => t!.transpose(0, 2),
      reference: ([v]) => permuteRef(v!, shape, [2, 1, 0])
    })
  })
  it("reshape of a contiguous and of a permuted (copied) tensor, with -1", async () => {
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.reshape(t!, [4, -1]),
      reference: ([v]) => v!
    })
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.reshape(T.permute(t!, [1, 0, 2]), [6, 4]),
      reference: ([v]) => permuteRef(v!, shape, [1, 0, 2])
    })
  })
  it("slice with start/stop/step, negative indices and an index", async () => {
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.slice(t!, [1, { start: -3, step: 2 }, { start: 1, stop: -1 }]),
      reference: ([v]) => {
        const out: Array<number> = []
        for (const j of [0, 2]) for (const k of [1, 2]) out.push(v![(1 * 3 + j) * 4 + k]!)
        return out
      }
    })
  })
  it("expand, unsqueeze and squeeze", async () => {
    const y = randomArray(3, 22)
    await gradCheck({
      inputs: [{ values: y, shape: [3, 1] }],
      forward: ([t]) => T.expand(T.unsqueeze(t!, 0), [2, 3, 5]),
      reference: ([v]) => broadcastTo(v!, [1, 3, 1], [2, 3, 5])
    })
    await gradCheck({
      inputs: [{ values: y, shape: [1, 3, 1] }],
      forward: ([t]) => T.squeeze(t!),
      reference: ([v]) => v!
    })
  })
  it("concat along an inner axis and stack", async () => {
    const a = randomArray(2 * 2 * 4, 23)
    const b = randomArray(2 * 3 * 4, 24)
    await gradCheck({
      inputs: [{ values: a, shape: [2, 2, 4] }, { values: b, shape: [2, 3, 4] }],
      forward: ([p, q]) => T.concat([p!, q!], 1),
      reference: ([p, q]) => {
        const out: Array<number> = []
        for (let i = 0; i < 2; i++) out.push(...p!.slice(i * 8, i * 8 + 8), ...q!.slice(i * 12, i * 12 + 12))
        return out
      }
    })
    const c = randomArray(6, 25)
    const d = randomArray(6, 26)
    await gradCheck({
      inputs: [{ values: c, shape: [2, 3] }, { values: d, shape: [2, 3] }],
      forward: ([p, q]) => T.stack([p!, q!], 1),
      reference: ([p, q]) => [...p!.slice(0, 3), ...q!.slice(0, 3), ...p!.slice(3), ...q!.slice(3)]
    })
  })
  it("cast f32 → f16 → f32 passes the gradient straight through (f16 forward rel 2^-11)", async () => {
    const round16 = (v: number) => T.f16BitsToF32(T.f32ToF16Bits(v))
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.mul(T.cast(T.cast(t!, "f16"), "f32"), 2),
      reference: ([v]) => v!.map((e) => round16(e) * 2),
      // Central differences of the rounded forward see a step function: use a step far
      // larger than an f16 ulp so the slope estimate is the straight-through 2 (±1%).
      h: 0.05,
      gradTol: 2e-2
    })
  })
  it("contiguous and clone are identities for the gradient", async () => {
    await gradCheck({
      inputs: [{ values: x, shape }],
      forward: ([t]) => T.clone(T.contiguous(T.transpose(t!, 0, 1))),
      reference: ([v]) => permuteRef(v!, shape, [1, 0, 2])
    })
  })
})
