/**
 * Conversions between f32 and the 16-bit float formats checkpoints store (IEEE f16 and
 * bfloat16). Rounding to 16 bits is round-to-nearest-even, as PyTorch does, so a
 * checkpoint written here reads back in PyTorch bit-for-bit as we computed it.
 *
 * @since 0.1.0
 */
import { f32ToF16Bits, fromF16Array } from "@sapphire-rl/tensor"

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
 * IEEE f16 bits to f32 (exact), through the tensor package's shared 64K-entry table.
 *
 * @since 0.1.0
 * @category conversions
 */
export const f16ToF32 = (bits: Uint16Array): Float32Array => fromF16Array(bits)

/**
 * One number to f16 bits, round-to-nearest-even, overflow to infinity.
 *
 * @since 0.1.0
 * @category conversions
 */
export const numberToHalf = (value: number): number => {
  if (value === value) return f32ToF16Bits(value)
  // Every NaN becomes the quiet NaN 0x7e00 with its sign, as PyTorch writes it
  // (f32ToF16Bits would keep the payload's top bits).
  f32[0] = value
  return ((u32[0]! >>> 16) & 0x8000) | 0x7e00
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
