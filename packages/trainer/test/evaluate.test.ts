import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { describe, expect, it } from "vitest"
import { evaluateCases, majority, passAtK } from "../src/index.ts"

const binomial = (n: number, k: number): number => (k < 0 || k > n ? 0 : k === 0 ? 1 : (binomial(n - 1, k - 1) * n) / k)

describe("passAtK", () => {
  it("equals 1 − C(n−c, k)/C(n, k) for every n ≤ 12", () => {
    for (let n = 1; n <= 12; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) expect(passAtK(n, c, k)).toBeCloseTo(1 - binomial(n - c, k) / binomial(n, k), 12)
      }
    }
  })
  it("rejects impossible counts", () => {
    expect(() => passAtK(8, 9, 1)).toThrow(RangeError)
    expect(() => passAtK(8, 2, 9)).toThrow(RangeError)
  })
})

describe("majority", () => {
  it("takes the most frequent value, the first seen on ties, ignoring null", () => {
    expect(majority(["a", null, "b", "b", "a"])).toBe("a")
    expect(majority([null, "b", "c", "c"])).toBe("c")
    expect(majority([null, null])).toBeNull()
  })
})

describe("evaluateCases", () => {
  const { labelSpace } = msdrgV34()
  const answer = (title: string) => `<think>\nx\n</think>\n<answer>\n${title}\n</answer>`
  it("scores DRG, family and tier, invalid answers, errors and confusion", () => {
    const t291 = labelSpace.get(291)!.title, t292 = labelSpace.get(292)!.title, t193 = labelSpace.get(193)!.title
    const report = evaluateCases([
      { exampleId: "a", drg: 291, difficulty: "easy", completions: [answer(t291), answer(t292), answer(t292), "no format", answer(t193), answer("NOT A TITLE"), answer(t291), answer(t291)] },
      { exampleId: "b", drg: 193, difficulty: "hard", completions: Array.from({ length: 8 }, () => answer(t292)) }
    ], labelSpace)
    expect(report.drg.pass1).toBeCloseTo((3 / 8 + 0) / 2, 12)
    expect(report.drg.pass8).toBeCloseTo(0.5, 12)
    expect(report.drg.maj8).toBeCloseTo(0.5, 12) // case a: 291 ×3 beats 292 ×2
    expect(report.family.pass1).toBeCloseTo((5 / 8 + 0) / 2, 12)
    // 292 (WITH CC) vs 193's tier (WITH MCC): case b never right on tier; case a: 291 ×3 and 193 ×1 are MCC.
    expect(report.tier.pass1).toBeCloseTo((4 / 8 + 0) / 2, 12)
    expect(report.invalid).toBeCloseTo(2 / 16, 12)
    expect(report.errors).toEqual({ wrongTier: 2, wrongFamily: 1, both: 8 })
    expect(report.byDifficulty).toEqual({ easy: { cases: 1, drgPass1: 3 / 8 }, hard: { cases: 1, drgPass1: 0 } })
    expect(report.confusion[0]).toEqual({ gold: labelSpace.get(193)!.family, predicted: labelSpace.get(292)!.family, count: 8 })
  })
  it("reads the answer exactly as the rewards do: a tag inside the reasoning is not the answer", () => {
    const t291 = labelSpace.get(291)!.title
    const text = `<think>\n<answer>${t291}</answer> maybe\n</think>\n<answer>\nnot sure\n</answer>`
    expect(evaluateCases([{ exampleId: "a", drg: 291, completions: [text] }], labelSpace).drg.pass1).toBe(0)
  })
})
