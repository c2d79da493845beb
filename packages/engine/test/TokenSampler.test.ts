import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { sampleToken, uniformAt } from "../src/index.ts"

const softmax = (xs: ReadonlyArray<number>, t = 1) => {
  const m = Math.max(...xs)
  const e = xs.map((x) => Math.exp((x - m) / t))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((x) => x / s)
}

// Frequencies over an evenly spaced grid of uniforms: inverse-CDF sampling must reproduce
// each kept token's probability within 1/N.
const frequencies = (logits: Array<number>, opts: { temperature: number; topP: number; topK: number }, n = 20000) => {
  const counts = new Array<number>(logits.length).fill(0)
  const row = Float32Array.from(logits)
  for (let i = 0; i < n; i++) counts[sampleToken(row, 0, row.length, opts, (i + 0.5) / n).token]!++
  return counts.map((c) => c / n)
}

describe("sampleToken", () => {
  const logits = [1.0, 2.5, -0.5, 2.5, 0.3, -3]

  it("greedy takes the first maximum and reports the raw log-softmax", () => {
    const r = sampleToken(Float32Array.from(logits), 0, logits.length, { temperature: 0, topP: 1, topK: 0 }, 0.99)
    expect(r.token).toBe(1)
    expect(r.logprob).toBeCloseTo(Math.log(softmax(logits)[1]!), 6)
  })

  it("samples softmax(logits / T) (within 2/N of each probability)", () => {
    for (const temperature of [1, 0.5, 2]) {
      const f = frequencies(logits, { temperature, topP: 1, topK: 0 })
      softmax(logits, temperature).forEach((p, i) => expect(Math.abs(f[i]! - p)).toBeLessThan(2 / 20000))
    }
  })

  it("top-k renormalizes over the k most likely tokens", () => {
    const f = frequencies(logits, { temperature: 1, topP: 1, topK: 3 })
    const kept = [0, 1, 3]
    const p = softmax(kept.map((i) => logits[i]!))
    kept.forEach((i, j) => expect(Math.abs(f[i]! - p[j]!)).toBeLessThan(2 / 20000))
    expect(f[2]! + f[4]! + f[5]!).toBe(0)
  })

  it("top-p keeps the smallest prefix whose mass reaches p", () => {
    const probs = [0.5, 0.3, 0.15, 0.05]
    const l = probs.map(Math.log)
    const support = (topP: number) =>
      frequencies(l, { temperature: 1, topP, topK: 0 }, 2000).flatMap((x, i) => (x > 0 ? [i] : []))
    expect(support(0.79)).toEqual([0, 1])
    expect(support(0.81)).toEqual([0, 1, 2])
    expect(support(0.3)).toEqual([0])
    expect(support(1)).toEqual([0, 1, 2, 3])
  })

  it("returns the raw log-prob of the sampled token whatever the temperature", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999999, noNaN: true }), fc.double({ min: 0.1, max: 3 }), (u, temperature) => {
        const r = sampleToken(Float32Array.from(logits), 0, logits.length, { temperature, topP: 0.9, topK: 4 }, u)
        expect(r.logprob).toBeCloseTo(Math.log(softmax(logits)[r.token]!), 6)
      })
    )
  })
})

describe("uniformAt", () => {
  it("is a deterministic function of (seed, stream, counter) in [0, 1) with mean ~1/2", () => {
    let sum = 0
    let lo = 1
    let hi = 0
    const n = 20000
    for (let i = 0; i < n; i++) {
      const u = uniformAt(7, i % 5, i)
      lo = Math.min(lo, u)
      hi = Math.max(hi, u)
      sum += u
    }
    expect(lo).toBeGreaterThanOrEqual(0)
    expect(hi).toBeLessThan(1)
    // Standard error of the mean is 0.29/sqrt(n) = 0.002; allow 5 of them.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01)
    expect(uniformAt(1, 2, 3)).toBe(uniformAt(1, 2, 3))
    expect(uniformAt(1, 2, 3)).not.toBe(uniformAt(1, 3, 3))
    expect(uniformAt(1, 2, 3)).not.toBe(uniformAt(2, 2, 3))
  })
})
