import { describe, expect, it } from "vitest"
import * as T from "../src/index.ts"
import { closeness, randomArray } from "./support/views.ts"

describe("adamwStep", () => {
  it("matches a scalar AdamW loop over several steps, skipping null grads (rel 1e-5)", async () => {
    const hyper = { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01, gradScale: 0.5 }
    const p0 = randomArray(7, 1)
    const q0 = randomArray(3, 2)
    const p = T.fromArray(p0, [7]).keep()
    const q = T.fromArray(q0, [3]).keep()
    const state = T.makeAdamWState([p, q])
    const ps = [...p0]
    const m = new Array(7).fill(0)
    const v = new Array(7).fill(0)
    for (let t = 1; t <= 4; t++) {
      const g = randomArray(7, 10 + t)
      const gt = T.fromArray(g, [7])
      T.adamwStep([p, q], [gt, null], state, hyper)
      gt.dispose()
      for (let i = 0; i < 7; i++) {
        const gi = g[i]! * hyper.gradScale
        m[i] = hyper.beta1 * m[i] + (1 - hyper.beta1) * gi
        v[i] = hyper.beta2 * v[i] + (1 - hyper.beta2) * gi * gi
        const mh = m[i] / (1 - hyper.beta1 ** t)
        const vh = v[i] / (1 - hyper.beta2 ** t)
        ps[i] = ps[i]! - hyper.lr * (mh / (Math.sqrt(vh) + hyper.eps) + hyper.weightDecay * ps[i]!)
      }
    }
    expect(state.step).toBe(4)
    // Mismatched lists are refused before any update (and the step count stays).
    expect(() => T.adamwStep([p, q], [null], state, hyper)).toThrow("1 gradients for 2 parameters")
    expect(() => T.adamwStep([p], [null], state, hyper)).toThrow("state was made for 2 parameters, not 1")
    expect(state.step).toBe(4)
    expect(closeness(Array.from(await p.toArray()), ps, 1e-6, 1e-5)).toBeLessThanOrEqual(1)
    expect(Array.from(await q.toArray())).toEqual(q0.map(Math.fround))
    T.disposeAdamWState(state)
    p.dispose()
    q.dispose()
  })

  it("trains a least-squares fit from .grad and reports the squared gradient norm", async () => {
    const rng = new T.Rng(5)
    const x = T.randn([16, 3], { rng }).keep()
    const wTrue = T.fromArray([1, -2, 0.5], [3, 1]).keep()
    const y = T.matmul(x, wTrue).keep()
    const w = T.zeros([3, 1]).keep().setRequiresGrad()
    const state = T.makeAdamWState([w])
    const lossAt = () => T.tidy(() => T.mean(T.square(T.sub(T.matmul(x, w), y))))
    const first = lossAt()
    const l0 = await first.item()
    first.dispose()
    for (let i = 0; i < 150; i++) {
      const loss = lossAt()
      loss.backward()
      loss.dispose()
      if (i === 0) {
        const n2 = T.gradSquaredNorm([w.grad])
        const g = Array.from(await w.grad!.toArray())
        expect(Math.abs((await n2.item()) - g.reduce((a, b) => a + b * b, 0))).toBeLessThan(1e-4)
        n2.dispose()
      }
      T.adamwStep([w], undefined, state, { lr: 0.05 })
      w.zeroGrad()
    }
    const last = lossAt()
    // The fit is exact, so AdamW must cut the loss by orders of magnitude.
    expect(await last.item()).toBeLessThan(l0 * 1e-3)
    last.dispose()
    T.disposeAdamWState(state)
    for (const t of [x, wTrue, y, w]) t.dispose()
  })
})
