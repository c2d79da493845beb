import { describe, expect, it } from "vitest"
import pkg from "../package.json" with { type: "json" }
import { batchStdAdvantage, besselStd, drGrpoAdvantage, groupStdAdvantage, rlooAdvantage, sapphirePlugins } from "../src/index.ts"

// Group [1, 2, 3, 6]: mean 3, deviations [-2, -1, 0, 3], Σd² = 14, Bessel std √(14/3).
// Values below computed by hand (Python), tolerance 1e-12.
const group = [1, 2, 3, 6]

const close = (actual: ReadonlyArray<ReadonlyArray<number>>, expected: ReadonlyArray<ReadonlyArray<number>>) => {
  expect(actual.map((g) => g.length)).toEqual(expected.map((g) => g.length))
  actual.forEach((g, i) => g.forEach((a, j) => expect(a).toBeCloseTo(expected[i]![j]!, 12)))
}

describe("advantages", () => {
  it("besselStd divides by n − 1, and is 0 below two values", () => {
    expect(besselStd(group)).toBeCloseTo(2.160246899469287, 14)
    expect(besselStd([7])).toBe(0)
    expect(besselStd([])).toBe(0)
  })
  it("group-std: (r − mean) / (std + 1e-4)", () => {
    close(groupStdAdvantage().advantages([group]), [[-0.9257772446135025, -0.46288862230675126, 0, 1.3886658669202538]])
    close(groupStdAdvantage({ epsilon: 0 }).advantages([[0, 2]]), [[-1 / Math.SQRT2, 1 / Math.SQRT2]])
  })
  it("dr-grpo: r − mean", () => {
    expect(drGrpoAdvantage().advantages([group, [0.5, -1.5]])).toEqual([[-2, -1, 0, 3], [1, -1]])
  })
  it("rloo: r − mean of the others", () => {
    close(rlooAdvantage().advantages([group]), [[-8 / 3, -4 / 3, 0, 4]])
  })
  it("batch-std: group mean, std of all rewards of the batch", () => {
    // all rewards [1, 2, 3, 6, 0, 0]: mean 2, Σd² = 26, std √(26/5) = 2.280350850198276
    close(batchStdAdvantage().advantages([group, [0, 0]]), [[-0.8770195594551436, -0.4385097797275718, 0, 1.3155293391827154], [0, 0]])
  })
  it("all-equal rewards, a group of one and an empty group give zeros, never NaN", () => {
    for (const p of [groupStdAdvantage(), drGrpoAdvantage(), batchStdAdvantage(), rlooAdvantage()]) {
      expect(p.advantages([[2, 2, 2], [5], []])).toEqual([[0, 0, 0], [0], []])
      expect(p.advantages([])).toEqual([])
    }
  })
  it("rejects a non-finite reward, naming where it is", () => {
    expect(() => groupStdAdvantage().advantages([[1, 2], [Number.NaN]])).toThrow("groups[1][0]: expected a finite reward, got NaN")
  })
})

describe("the package", () => {
  it("exports its factories with their short names and kinds, at package.json's version", () => {
    expect(sapphirePlugins.map((f) => `${f.kind}:${f.pluginName}`)).toEqual([
      "loss:grpo-loss",
      "loss:bnpo-loss",
      "loss:dapo-loss",
      "loss:dr-grpo-loss",
      "advantage:group-std-advantage",
      "advantage:dr-grpo-advantage",
      "advantage:batch-std-advantage",
      "advantage:rloo-advantage"
    ])
    for (const f of sapphirePlugins) {
      const p = f()
      expect(p.name).toBe(f.pluginName)
      expect(p.version).toBe(pkg.version)
    }
  })
})
