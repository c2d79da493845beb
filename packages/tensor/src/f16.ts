/**
 * IEEE 754 binary16 ("half") conversions for f16 storage (a `Uint16Array` of bit patterns).
 *
 * f32 → f16 rounds to nearest, ties to even, overflows to ±Infinity and keeps NaN a
 * (quiet) NaN; numbers are first rounded to f32, as a GPU storing an f32 value would.
 *
 * @since 0.1.0
 */

const f32Scratch = new Float32Array(1)
const u32Scratch = new Uint32Array(f32Scratch.buffer)

/**
 * The f16 bit pattern nearest to `x` (after rounding `x` to f32), ties to even.
 *
 * @since 0.1.0
 * @category conversions
 */
export const f32ToF16Bits = (x: number): number => {
  f32Scratch[0] = x
  const bits = u32Scratch[0]!
  const sign = (bits >>> 16) & 0x8000
  const exp = (bits >>> 23) & 0xff
  const mant = bits & 0x7fffff
  if (exp === 0xff) return mant !== 0 ? sign | 0x7e00 | (mant >>> 13) : sign | 0x7c00
  const e = exp - 112 // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    // Subnormal half: value = m · 2^-24 with m = (1.mant) · 2^(e-14) scaled to an integer.
    if (e < -10) return sign
    const full = mant | 0x800000
    const shift = 14 - e
    const m = full >>> shift
    const rem = full & ((1 << shift) - 1)
    const mid = 1 << (shift - 1)
    return sign | (rem > mid || (rem === mid && (m & 1) === 1) ? m + 1 : m)
  }
  const h = (e << 10) | (mant >>> 13)
  const rem = mant & 0x1fff
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  return sign | (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1) ? h + 1 : h)
}

/**
 * The value of an f16 bit pattern.
 *
 * @since 0.1.0
 * @category conversions
 */
export const f16BitsToF32 = (h: number): number => {
  const s = (h & 0x8000) !== 0 ? -1 : 1
  const e = (h >>> 10) & 0x1f
  const m = h & 0x3ff
  if (e === 0) return s * m * 2 ** -24
  if (e === 31) return m !== 0 ? Number.NaN : s * Number.POSITIVE_INFINITY
  return s * (1 + m / 1024) * 2 ** (e - 15)
}

let table: Float32Array | undefined

/**
 * A 65536-entry table from f16 bits to value, built on first use (hot loops index it).
 *
 * @since 0.1.0
 * @category conversions
 */
export const f16Table = (): Float32Array => {
  if (table === undefined) {
    table = new Float32Array(65536)
    for (let h = 0; h < 65536; h++) table[h] = f16BitsToF32(h)
  }
  return table
}

/**
 * Encodes numbers as f16 bit patterns.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toF16Array = (values: ArrayLike<number>): Uint16Array => {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = f32ToF16Bits(values[i]!)
  return out
}

/**
 * Decodes f16 bit patterns.
 *
 * @since 0.1.0
 * @category conversions
 */
export const fromF16Array = (bits: ArrayLike<number>): Float32Array => {
  const t = f16Table()
  const out = new Float32Array(bits.length)
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]!]!
  return out
}
