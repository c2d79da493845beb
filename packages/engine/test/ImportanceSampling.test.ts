import { describe, expect, it } from "vitest"
import { truncatedImportanceWeights } from "../src/index.ts"

describe("truncatedImportanceWeights", () => {
  it("gives min(exp(trainer - sampler), cap) per token and the mismatch metrics", () => {
    const trainer = [[-1, -2, -0.5], [-3]]
    const sampler = [[-1, -2.5, -2], [-2]]
    const r = truncatedImportanceWeights(trainer, sampler, 2)
    // Ratios: 1, e^0.5 = 1.6487, e^1.5 = 4.48 -> capped at 2, e^-1 = 0.3679.
    expect(Array.from(r.weights[0]!)).toEqual([1, Math.fround(Math.exp(0.5)), 2])
    expect(r.weights[1]![0]).toBeCloseTo(Math.exp(-1), 6) // f32 storage: 1e-6
    expect(r.meanAbsLogprobDelta).toBeCloseTo((0 + 0.5 + 1.5 + 1) / 4, 12)
    expect(r.maxAbsLogprobDelta).toBe(1.5)
    expect(r.fractionCapped).toBe(0.25)
    expect(r.tokens).toBe(4)
  })

  it("is all ones with no mismatch for identical log-probs, and handles empty completions", () => {
    const lp = [Float32Array.from([-0.1, -7]), new Float32Array(0)]
    const r = truncatedImportanceWeights(lp, lp)
    expect(Array.from(r.weights[0]!)).toEqual([1, 1])
    expect(r.weights[1]!.length).toBe(0)
    expect(r.meanAbsLogprobDelta).toBe(0)
    expect(r.fractionCapped).toBe(0)
    expect(truncatedImportanceWeights([], []).tokens).toBe(0)
  })

  it("refuses mismatched lengths, a non-positive cap and non-finite log-probs", () => {
    expect(() => truncatedImportanceWeights([[-1]], [[-1, -2]])).toThrow(/completion 0: 1 trainer log-probs but 2 sampler/)
    expect(() => truncatedImportanceWeights([[-1]], [])).toThrow(/1 trainer completions but 0 sampler/)
    expect(() => truncatedImportanceWeights([[-1]], [[-1]], 0)).toThrow(/cap must be > 0/)
    expect(() => truncatedImportanceWeights([[-Infinity]], [[-1]])).toThrow(/token 0: non-finite/)
  })
})
