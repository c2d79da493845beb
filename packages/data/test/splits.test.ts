import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { dedupeByText, drgSmall, sftGrpoSplit, stratifiedSplit, textHash, trainTestSplit } from "../src/Splits.ts"

const make = (sizes: ReadonlyArray<number>) =>
  sizes.flatMap((n, drg) => Array.from({ length: n }, (_, i) => ({ id: `${drg}-${i}`, drg: drg + 1 })))

describe("splits", () => {
  it("partitions the input, stratified per DRG, small classes wholly in train", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }), fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.integer(), (sizes, frac, seed) => {
      const items = make(sizes)
      const { train, test } = trainTestSplit(items, frac, seed, 3)
      expect(train.length + test.length).toBe(items.length)
      expect(new Set([...train, ...test]).size).toBe(items.length)
      sizes.forEach((n, k) => {
        const inTest = test.filter((x) => x.drg === k + 1).length
        if (n < 3) expect(inTest).toBe(0)
        else {
          // round(frac * n), clamped to [1, n - 1]
          expect(inTest).toBe(Math.min(n - 1, Math.max(1, Math.round(frac * n))))
        }
      })
    }), { numRuns: 200 })
  })

  it("is deterministic by seed and independent of input order", () => {
    const items = make([10, 20, 5, 7])
    const a = trainTestSplit(items, 0.2, 9).test.map((x) => x.id).sort()
    const b = trainTestSplit([...items].reverse(), 0.2, 9).test.map((x) => x.id).sort()
    expect(b).toEqual(a)
    expect(trainTestSplit(items, 0.2, 10).test.map((x) => x.id).sort()).not.toEqual(a)
  })

  it("gives SFT/GRPO ratios and a DRG-Small subset", () => {
    const items = make([100, 50, 30, 1])
    const { sft, grpo } = sftGrpoSplit(items, 0.9, 1)
    expect(grpo.length).toBe(10 + 5 + 3)
    expect(sft.length).toBe(items.length - grpo.length)
    const small = drgSmall(items, 0.2, 1)
    // A singleton class cannot be split (at most size - 1 leaves), so it contributes nothing.
    expect(small.length).toBe(20 + 10 + 6)
    expect(new Set(small.map((x) => x.drg)).size).toBe(3)
    expect(() => stratifiedSplit(items, { fraction: 2, seed: 0 })).toThrow(RangeError)
  })
})

describe("de-duplication before splitting", () => {
  it("hashes whitespace-normalized text: re-wrapped notes match, other notes do not", () => {
    expect(textHash("  Sepsis:\n  urine   cx E. coli ")).toBe(textHash("Sepsis: urine cx E. coli"))
    expect(textHash("Sepsis: urine cx E. coli")).not.toBe(textHash("Sepsis: urine cx E. coli."))
    expect(textHash("ab")).not.toBe(textHash("a b"))
    expect(Number.isSafeInteger(textHash("x"))).toBe(true)
  })

  it("keeps the first of each text, counts the dropped and the differently labelled copies", () => {
    const items = [
      { id: "a", text: "note one", drg: 1 }, { id: "b", text: "note two", drg: 2 },
      { id: "c", text: "note  one\n", drg: 1 }, { id: "d", text: "note one", drg: 3 }
    ]
    const { unique, duplicates, conflicting } = dedupeByText(items)
    expect(unique.map((i) => i.id)).toEqual(["a", "b"])
    expect([duplicates, conflicting]).toEqual([2, 1])
  })

  it("never lets one text reach both train and test", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 4 })), { maxLength: 120 }), fc.integer({ min: 0, max: 1000 }), (rows, seed) => {
      const items = rows.map(([t, drg], i) => ({ id: String(i), text: `note ${t}`, drg }))
      const { unique, duplicates } = dedupeByText(items)
      expect(unique.length + duplicates).toBe(items.length)
      const { train, test } = trainTestSplit(unique, 0.3, seed, 1)
      const trainTexts = new Set(train.map((i) => i.text))
      for (const i of test) expect(trainTexts.has(i.text)).toBe(false)
    }))
  })
})
