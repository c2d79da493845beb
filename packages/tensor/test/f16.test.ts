import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { f16BitsToF32, f32ToF16Bits } from "../src/f16.ts"

// All finite non-negative halves in increasing order (bit order equals value order).
const positives = Array.from({ length: 0x7c00 }, (_, h) => f16BitsToF32(h))

/** The nearest half to |x| by search, ties to the even bit pattern: independent of the bit tricks. */
const nearestBits = (x: number): number => {
  const ax = Math.abs(Math.fround(x))
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0
  // Values at or beyond 65520 (halfway between max 65504 and 2^16) round to Infinity.
  if (ax >= 65520) return sign | 0x7c00
  let lo = 0
  let hi = positives.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (positives[mid]! <= ax) lo = mid
    else hi = mid
  }
  const dl = ax - positives[lo]!
  const dh = positives[hi]! - ax
  const bits = dl < dh ? lo : dh < dl ? hi : (lo & 1) === 0 ? lo : hi
  return sign | bits
}

describe("f16 conversions", () => {
  it("round-trips every half bit pattern (NaNs stay NaN)", () => {
    for (let h = 0; h < 65536; h++) {
      const v = f16BitsToF32(h)
      if (Number.isNaN(v)) expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(v)))).toBe(true)
      else expect(f32ToF16Bits(v)).toBe(h)
    }
  })

  it("decodes known values", () => {
    expect(f16BitsToF32(0x3c00)).toBe(1)
    expect(f16BitsToF32(0xc000)).toBe(-2)
    expect(f16BitsToF32(0x7bff)).toBe(65504)
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24)
    expect(f16BitsToF32(0x0400)).toBe(2 ** -14)
    expect(f16BitsToF32(0x7c00)).toBe(Number.POSITIVE_INFINITY)
  })

  it("rounds ties to even at the edges", () => {
    expect(f32ToF16Bits(65519)).toBe(0x7bff) // below the halfway point to 2^16
    expect(f32ToF16Bits(65520)).toBe(0x7c00) // halfway: rounds to even → Infinity
    expect(f32ToF16Bits(2 ** -25)).toBe(0) // halfway between 0 and the smallest subnormal: even is 0
    expect(f32ToF16Bits(3 * 2 ** -25)).toBe(2) // halfway between 1 and 2 subnormal units: even is 2
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00) // halfway between 1 and 1+2^-10: even is 1
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02)
    expect(f32ToF16Bits(-0)).toBe(0x8000)
    expect(f32ToF16Bits(1e-10)).toBe(0)
    expect(f32ToF16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00)
  })

  it("matches a nearest-by-search conversion on random floats", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -70000, max: 70000 }), (x) => {
        expect(f32ToF16Bits(x)).toBe(nearestBits(x))
      }),
      { numRuns: 3000 }
    )
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: Math.fround(-1e-4), max: Math.fround(1e-4) }), (x) => {
        expect(f32ToF16Bits(x)).toBe(nearestBits(x))
      }),
      { numRuns: 2000 }
    )
  })
})
