import { PluginOptionsError } from "@sapphire-rl/spec"
import { describe, expect, it } from "vitest"
import { bnpoLoss, dapoLoss, drGrpoLoss, grpoLoss, sequenceWeights, type Aggregation } from "../src/index.ts"

// A generation batch of N = 4 sequences (3, 5, 0, 2 completion tokens) in two micro-batches
// of two, maxCompletionLength 10. Weights computed by hand.
const batchLengths = [3, 5, 0, 2]
const micro1 = { lengths: [3, 5], batchLengths, maxCompletionLength: 10 }
const micro2 = { lengths: [0, 2], batchLengths, maxCompletionLength: 10 }

// Loss of the generation batch when every token loss is 1: Σ_micro Σ_i w_i · len_i.
const unitLoss = (aggregation: Aggregation): number =>
  [micro1, micro2].reduce((total, m) => total + sequenceWeights(aggregation, m).reduce((a, w, i) => a + w * m.lengths[i]!, 0), 0)

describe("sequenceWeights", () => {
  it("grpo: 1 / (N · len_i), 0 for a sequence without tokens", () => {
    expect(sequenceWeights("grpo", micro1)).toEqual([1 / 12, 1 / 20])
    expect(sequenceWeights("grpo", micro2)).toEqual([0, 1 / 8])
    // mean over the 4 sequences of their token means (1 each, 0 for the empty one)
    expect(unitLoss("grpo")).toBeCloseTo(3 / 4, 15)
  })
  it("bnpo: 1 / (M · Σ_micro len), M = 2 micro-batches", () => {
    expect(sequenceWeights("bnpo", micro1)).toEqual([1 / 16, 1 / 16])
    expect(sequenceWeights("bnpo", micro2)).toEqual([1 / 4, 1 / 4])
    expect(unitLoss("bnpo")).toBeCloseTo(1, 15)
  })
  it("dapo: 1 / Σ_batch len", () => {
    expect(sequenceWeights("dapo", micro1)).toEqual([1 / 10, 1 / 10])
    expect(sequenceWeights("dapo", micro2)).toEqual([1 / 10, 1 / 10])
    expect(unitLoss("dapo")).toBeCloseTo(1, 15)
  })
  it("dr-grpo: the constant 1 / (N · maxCompletionLength)", () => {
    expect(sequenceWeights("dr-grpo", micro1)).toEqual([1 / 40, 1 / 40])
    expect(sequenceWeights("dr-grpo", micro2)).toEqual([1 / 40, 1 / 40])
    expect(unitLoss("dr-grpo")).toBeCloseTo(10 / 40, 15)
  })
  it("weights a longer sequence's tokens less under grpo only", () => {
    const [short, long] = sequenceWeights("grpo", micro1)
    expect(short! > long!).toBe(true)
    for (const a of ["bnpo", "dapo", "dr-grpo"] as const) {
      const [w1, w2] = sequenceWeights(a, micro1)
      expect(w1).toBe(w2)
    }
  })
  it("a batch of one sequence", () => {
    const one = { lengths: [4], batchLengths: [4], maxCompletionLength: 8 }
    expect(["grpo", "bnpo", "dapo", "dr-grpo"].map((a) => sequenceWeights(a as Aggregation, one)[0])).toEqual([1 / 4, 1 / 4, 1 / 4, 1 / 8])
  })
  it("zero-length completions everywhere give weight 0, never Infinity or NaN", () => {
    const empty = { lengths: [0, 0], batchLengths: [0, 0], maxCompletionLength: 8 }
    expect(sequenceWeights("grpo", empty)).toEqual([0, 0])
    expect(sequenceWeights("bnpo", empty)).toEqual([0, 0])
    expect(sequenceWeights("dapo", empty)).toEqual([0, 0])
    expect(sequenceWeights("dr-grpo", empty)).toEqual([1 / 16, 1 / 16]) // × 0 tokens: no loss either
  })
  it("rejects what is not a token count, and a micro-batch larger than its batch", () => {
    expect(() => sequenceWeights("grpo", { lengths: [1.5], batchLengths: [2], maxCompletionLength: 8 })).toThrow("lengths[0]: expected a token count (integer >= 0), got 1.5")
    expect(() => sequenceWeights("dapo", { lengths: [1], batchLengths: [1, -1], maxCompletionLength: 8 })).toThrow("batchLengths[1]")
    expect(() => sequenceWeights("dapo", { lengths: [1, 1], batchLengths: [1], maxCompletionLength: 8 })).toThrow(/more than the generation batch/)
    expect(() => sequenceWeights("dr-grpo", { lengths: [1], batchLengths: [1], maxCompletionLength: 0 })).toThrow("maxCompletionLength: expected an integer > 0, got 0")
  })
})

describe("loss plugins", () => {
  it("carry their aggregation and clip range (DAPO's clip-higher 0.2 / 0.28)", () => {
    expect(grpoLoss().clip).toEqual({ low: 0.2, high: 0.2 })
    expect(dapoLoss().clip).toEqual({ low: 0.2, high: 0.28 })
    expect(dapoLoss({ clipHigh: 0.3 }).clip).toEqual({ low: 0.2, high: 0.3 })
    expect(bnpoLoss().sequenceWeights(micro1)).toEqual([1 / 16, 1 / 16])
    expect(drGrpoLoss().sequenceWeights(micro2)).toEqual([1 / 40, 1 / 40])
    expect([grpoLoss(), bnpoLoss(), dapoLoss(), drGrpoLoss()].map((p) => p.name)).toEqual(["grpo-loss", "bnpo-loss", "dapo-loss", "dr-grpo-loss"])
  })
  it("names a bad option and what it expects", () => {
    expect(() => dapoLoss({ clipLow: 2 })).toThrow(PluginOptionsError)
    expect(() => dapoLoss({ clipLow: 2 })).toThrow("dapo-loss options: clipLow: expected a number in [0, 1], got 2")
    expect(() => grpoLoss({ clip: 0.2 } as never)).toThrow("clip: unknown option; expected one of clipLow, clipHigh")
  })
})
