import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { computeAdvantages, sequenceWeights } from "../src/index.ts"

const reward = fc.double({ min: -10, max: 10, noNaN: true })
const groups = fc.array(fc.array(reward, { minLength: 1, maxLength: 9 }), { minLength: 1, maxLength: 6 })

describe("properties", () => {
  it("every estimator's advantages sum to 0 within each group (tolerance 1e-9 · scale)", () => {
    fc.assert(
      fc.property(groups, fc.constantFrom("group-std", "dr-grpo", "batch-std", "rloo" as const), (gs, estimator) => {
        const adv = computeAdvantages(estimator, gs, 1e-4)
        adv.forEach((g) => {
          const scale = Math.max(1, ...g.map(Math.abs))
          expect(Math.abs(g.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9 * scale * g.length)
        })
      })
    )
  })
  it("dapo and bnpo weights give a token mean: Σ over micro-batches of Σ w_i · len_i is 1 when tokens exist", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (lengths, parts) => {
        fc.pre(lengths.some((l) => l > 0) && lengths.length % parts === 0)
        const size = lengths.length / parts
        for (const aggregation of ["dapo", "bnpo"] as const) {
          let total = 0
          let bnpoOk = true
          for (let p = 0; p < parts; p++) {
            const micro = lengths.slice(p * size, (p + 1) * size)
            if (micro.every((l) => l === 0)) bnpoOk = false
            const w = sequenceWeights(aggregation, { lengths: micro, batchLengths: lengths, maxCompletionLength: 50 })
            total += w.reduce((a, wi, i) => a + wi * micro[i]!, 0)
          }
          // bnpo: each non-empty micro-batch contributes 1/M; an empty one contributes 0.
          if (aggregation === "dapo" || bnpoOk) expect(total).toBeCloseTo(1, 12)
        }
      })
    )
  })
})
