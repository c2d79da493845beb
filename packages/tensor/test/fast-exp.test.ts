import { describe, expect, it } from "vitest"
import { fastExp } from "../src/backend/cpu/fastExp.ts"
import { seeded } from "./support/views.ts"

describe("fastExp", () => {
  it("is within 1e-13 relative of Math.exp over the whole f32 range [-103.9, 88.7]", () => {
    const r = seeded(3)
    let worst = 0
    for (let i = 0; i < 200_000; i++) {
      const x = -103.9 + (r() + 1) / 2 * 192.6
      const e = Math.exp(x)
      worst = Math.max(worst, Math.abs(fastExp(x) - e) / e)
    }
    for (const x of [0, -0, 1, -1, 1e-9, -1e-9, Math.LN2, 88.7, -87.3]) worst = Math.max(worst, Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x))
    expect(worst).toBeLessThan(1e-13)
  })

  it("gives what an f32 store of Math.exp gives at the ends: 0 below, Infinity above, NaN for NaN", () => {
    for (const x of [-105, -1e6, Number.NEGATIVE_INFINITY]) expect(fastExp(x)).toBe(0)
    for (const x of [88.8, 89, 1000, Number.POSITIVE_INFINITY]) expect(Math.fround(fastExp(x))).toBe(Number.POSITIVE_INFINITY)
    expect(fastExp(Number.NaN)).toBeNaN()
    expect(Math.fround(fastExp(-103.5))).toBe(Math.fround(Math.exp(-103.5)))
  })
})
