import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { deriveSeed, makePrng } from "../src/Prng.ts"

describe("Prng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = makePrng(7), b = makePrng(7), c = makePrng(8)
    const xs = Array.from({ length: 20 }, () => a.next())
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs)
  })

  it("int stays in range and hits both ends", () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 5 }), (seed, lo, span) => {
      const rng = makePrng(seed)
      const seen = new Set<number>()
      for (let i = 0; i < 300; i++) {
        const v = rng.int(lo, lo + span)
        expect(v).toBeGreaterThanOrEqual(lo)
        expect(v).toBeLessThanOrEqual(lo + span)
        seen.add(v)
      }
      expect(seen.size).toBe(span + 1)
    }), { numRuns: 50 })
  })

  it("is roughly uniform (chi-square over 10 bins, 10k draws, below the 0.001 critical value 27.9)", () => {
    const rng = makePrng(123)
    const bins = new Array<number>(10).fill(0)
    for (let i = 0; i < 10_000; i++) bins[Math.floor(rng.next() * 10)]!++
    const chi = bins.reduce((s, o) => s + (o - 1000) ** 2 / 1000, 0)
    expect(chi).toBeLessThan(27.9)
  })

  it("weighted never picks a zero weight and shuffle is a permutation", () => {
    const rng = makePrng(5)
    for (let i = 0; i < 500; i++) expect(rng.weighted(["a", "b", "c"], (x) => (x === "b" ? 0 : 1))).not.toBe("b")
    const items = Array.from({ length: 30 }, (_, i) => i)
    expect([...rng.shuffle(items)].sort((x, y) => x - y)).toEqual(items)
  })

  it("lets every bit of the run seed count, and rejects seeds it cannot tell apart", () => {
    for (const i of [0, 1, 999]) {
      expect(deriveSeed(2 ** 32, i)).not.toBe(deriveSeed(0, i))
      expect(deriveSeed(2 ** 32 + 7, i)).not.toBe(deriveSeed(7, i))
      expect(deriveSeed(2 ** 52, i)).not.toBe(deriveSeed(2 ** 53 - 1, i))
    }
    for (const bad of [-1, 0.5, 2 ** 53, Number.NaN, Infinity]) {
      expect(() => deriveSeed(bad, 0), String(bad)).toThrow(/seed must be an integer in \[0, 2\^53 - 1\]/)
    }
    expect(() => deriveSeed(1, -1)).toThrow(RangeError)
  })

  it("derives distinct per-index seeds", () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(7, i)))
    expect(seeds.size).toBe(1000)
  })
})
