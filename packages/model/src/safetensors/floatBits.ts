/**
 * Conversions between f32 and the 16-bit float formats checkpoints store (IEEE f16 and
 * bfloat16). Rounding to 16 bits is round-to-nearest-even, as PyTorch does, so a
 * checkpoint written here reads back in PyTorch bit-for-bit as we computed it.
 *
 * @since 0.1.0
 */

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/**
 * bfloat16 bits to f32 (exact: bf16 is the top half of an f32).
 *
 * @since 0.1.0
 * @category conversions
 */
export const bf16ToF32 = (bits: Uint16Array): Float32Array => {
  const out = new Uint32Array(bits.length)
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16
  return new Float32Array(out.buffer)
}

/**
 * f32 to bfloat16 bits, round-to-nearest-even; NaN stays NaN.
 *
 * @since 0.1.0
 * @category conversions
 */
export const f32ToBf16 = (values: Float32Array): Uint16Array => {
  const src = new Uint32Array(values.buffer, values.byteOffset, values.length)
  const out = new Uint16Array(values.length)
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!
    if ((x & 0x7f800000) === 0x7f800000 && (x & 0x007fffff) !== 0) {
      out[i] = (x >>> 16) | 0x0040 // quiet NaN, keeps the sign
    } else {
      out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16
    }
  }
  return out
}

/**
 * One f16 value (its 16 bits) to a number.
 *
 * @since 0.1.0
 * @category conversions
 */
export const halfToNumber = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const frac = h & 0x3ff
  if (exp === 0) return sign * frac * 2 ** -24
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN
  return sign * (1 + frac / 1024) * 2 ** (exp - 15)
}

let halfTable: Float32Array | undefined

/**
 * IEEE f16 bits to f32 (exact), through a 64K-entry table built on first use.
 *
 * @since 0.1.0
 * @category conversions
 */
export const f16ToF32 = (bits: Uint16Array): Float32Array => {
  if (halfTable === undefined) {
    halfTable = new Float32Array(65536)
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToNumber(h)
  }
  const table = halfTable
  const out = new Float32Array(bits.length)
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!
  return out
}

/**
 * One number to f16 bits, round-to-nearest-even, overflow to infinity.
 *
 * @since 0.1.0
 * @category conversions
 */
export const numberToHalf = (value: number): number => {
  f32[0] = value
  const x = u32[0]!
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  const mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    // Subnormal f16 (or zero): shift the full mantissa, rounding to nearest even.
    if (e < -10) return sign
    const m = mant | 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rest = m & ((1 << shift) - 1)
    let r = m >>> shift
    if (rest > half || (rest === half && (r & 1) === 1)) r++
    return sign | r
  }
  let r = (e << 10) | (mant >>> 13)
  const rest = mant & 0x1fff
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1) === 1)) r++ // may carry into the exponent: correct
  return sign | r
}

/**
 * f32 to IEEE f16 bits, round-to-nearest-even.
 *
 * @since 0.1.0
 * @category conversions
 */
export const f32ToF16 = (values: Float32Array): Uint16Array => {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = numberToHalf(values[i]!)
  return out
}
