import { describe, expect, it } from "vitest"
import pkg from "../package.json" with { type: "json" }
import { constantKl, cosineKl, klEstimate, linearKl, noKl, sapphirePlugins } from "../src/index.ts"

describe("klEstimate", () => {
  // d = ref − logp = ln 2 (the policy puts half the reference's probability on the token)
  const logp = Math.log(0.25)
  const ref = Math.log(0.5)
  it("k1 = −d, k2 = d²/2, k3 = e^d − d − 1 (hand values, 1e-15)", () => {
    expect(klEstimate("k1", logp, ref)).toBeCloseTo(-0.6931471805599453, 15)
    expect(klEstimate("k2", logp, ref)).toBeCloseTo(0.2402265069591007, 15)
    expect(klEstimate("k3", logp, ref)).toBeCloseTo(0.30685281944005466, 15)
  })
  it("all are 0 where policy and reference agree; k3 stays ≥ 0 and accurate for tiny d", () => {
    for (const e of ["k1", "k2", "k3"] as const) expect(klEstimate(e, -1.3, -1.3)).toBe(0)
    // e^d − d − 1 ≈ d²/2 = 5e-19 for d = 1e-9; exp(d) − d − 1 in f64 gives ~1e-16 of rounding
    // noise instead. Relative tolerance 5e-7 (expm1's rounding, ~1e-25, over 5e-19).
    expect(klEstimate("k3", 0, 1e-9) / 5e-19).toBeCloseTo(1, 6)
    expect(klEstimate("k3", 0, -3)).toBeGreaterThan(0)
  })
})

describe("schedules", () => {
  it("constant: β = 0.04 at every step", () => {
    const kl = constantKl()
    expect([0, 50, 100, 150].map((s) => kl.beta(s, 100))).toEqual([0.04, 0.04, 0.04, 0.04])
    expect(kl.estimator).toBe("k3")
  })
  it("cosine: β at step 0, β/2 halfway, 0 at totalSteps, clamped beyond", () => {
    const kl = cosineKl()
    expect(kl.beta(0, 100)).toBe(0.04)
    expect(kl.beta(50, 100)).toBeCloseTo(0.02, 15)
    expect(kl.beta(25, 100)).toBeCloseTo(0.04 * 0.5 * (1 + Math.SQRT1_2), 15)
    expect(kl.beta(100, 100)).toBeCloseTo(0, 15)
    expect(kl.beta(99, 100)).toBeGreaterThan(0)
    expect(kl.beta(140, 100)).toBeCloseTo(0, 15)
    expect(kl.beta(-5, 100)).toBe(0.04)
    expect(kl.beta(0, 0)).toBe(0.04)
  })
  it("cosine to a floor", () => {
    const kl = cosineKl({ beta: 0.1, final: 0.02 })
    expect(kl.beta(0, 10)).toBeCloseTo(0.1, 15)
    expect(kl.beta(10, 10)).toBeCloseTo(0.02, 15)
  })
  it("linear: straight from β to final", () => {
    const kl = linearKl()
    expect(kl.beta(0, 8)).toBe(0.04)
    expect(kl.beta(2, 8)).toBeCloseTo(0.03, 15)
    expect(kl.beta(8, 8)).toBe(0)
  })
  it("none: β ≡ 0", () => {
    const kl = noKl()
    expect([0, 1, 99].map((s) => kl.beta(s, 100))).toEqual([0, 0, 0])
  })
  it("takes estimator and β as options and names bad ones", () => {
    expect(constantKl({ estimator: "k1", beta: 0.001 }).beta(3, 10)).toBe(0.001)
    expect(constantKl({ estimator: "k1" }).estimator).toBe("k1")
    expect(() => constantKl({ estimator: "k4" } as never)).toThrow(`constant-kl options: estimator: expected "k1" | "k2" | "k3", got "k4"`)
    expect(() => cosineKl({ beta: -1 })).toThrow("beta: expected a number >= 0, got -1")
    expect(() => linearKl({ beta: 0.01, final: 0.02 })).toThrow("final: expected a number <= beta (0.01), got 0.02")
  })
})

describe("the package", () => {
  it("exports its factories by short name at package.json's version", () => {
    expect(sapphirePlugins.map((f) => f.pluginName)).toEqual(["constant-kl", "cosine-kl", "linear-kl", "no-kl"])
    for (const f of sapphirePlugins) {
      expect(f.kind).toBe("kl")
      expect(f().version).toBe(pkg.version)
      expect(f().name).toBe(f.pluginName)
    }
  })
})
