import { describe, expect, it } from "vitest"
import { groupStdAdvantage } from "../src/index.ts"

describe("groupStdAdvantage", () => {
  it("normalizes within each group with Bessel's std plus 1e-4 (hand-computed)", () => {
    // Group [1, 0, 0, 1]: mean 0.5, sample variance (4 · 0.25) / 3 = 1/3, std 0.577350…
    const [a = [], b = [], c = []] = groupStdAdvantage().advantages([[1, 0, 0, 1], [2, 2, 2], [3]])
    const std = Math.sqrt(1 / 3) + 1e-4
    expect(a.map((x) => x * std)).toEqual([0.5, -0.5, -0.5, 0.5].map((x) => expect.closeTo(x, 12)))
    expect(a[0]).toBeCloseTo(0.5 / 0.5774502691896258, 12) // tolerance 1e-12: the formula in f64
    // Equal rewards: no signal, zero advantages; a group of one likewise.
    expect(b).toEqual([0, 0, 0])
    expect(c).toEqual([0])
  })
})
