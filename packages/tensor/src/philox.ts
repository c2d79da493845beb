/**
 * Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11),
 * the counter-based generator behind the `random` kernel. Pure 32-bit integer code, so
 * every backend produces bit-identical streams.
 *
 * @since 0.1.0
 */

const M0 = 0xd2511f53
const M1 = 0xcd9e8d57
const W0 = 0x9e3779b9
const W1 = 0xbb67ae85

/** High 32 bits of the 64-bit product of two u32 (exact, via 16-bit limbs). */
const mulhi32 = (a: number, b: number): number => {
  const al = a & 0xffff
  const ah = a >>> 16
  const bl = b & 0xffff
  const bh = b >>> 16
  const ll = al * bl
  const lh = al * bh
  const hl = ah * bl
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff)
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0
}

/**
 * One Philox-4x32-10 block: four u32 outputs written to `out` from a 128-bit counter
 * (c0 least significant) and a 64-bit key.
 *
 * @since 0.1.0
 * @category generators
 */
export const philox4x32 = (
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array
): void => {
  let x0 = c0 >>> 0
  let x1 = c1 >>> 0
  let x2 = c2 >>> 0
  let x3 = c3 >>> 0
  let key0 = k0 >>> 0
  let key1 = k1 >>> 0
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, x0)
    const lo0 = Math.imul(M0, x0) >>> 0
    const hi1 = mulhi32(M1, x2)
    const lo1 = Math.imul(M1, x2) >>> 0
    x0 = (hi1 ^ x1 ^ key0) >>> 0
    x1 = lo1
    x2 = (hi0 ^ x3 ^ key1) >>> 0
    x3 = lo0
    key0 = (key0 + W0) >>> 0
    key1 = (key1 + W1) >>> 0
  }
  out[0] = x0
  out[1] = x1
  out[2] = x2
  out[3] = x3
}

const TWO_POW_32 = 4294967296
const TWO_POW_M24 = 2 ** -24

/**
 * The values of the `random` kernel for elements [0, n) (see `Kernel.ts`): element i uses
 * the block at counter (counter + i) as (low word, high word, 0, 0). Uniform: (w0 >>> 8) · 2^-24.
 * Normal (Box-Muller): u1 = ((w0 >>> 8) + 1) · 2^-24, u2 = (w1 >>> 8) · 2^-24,
 * z = sqrt(-2 ln u1) · cos(2π u2).
 *
 * @since 0.1.0
 * @category generators
 */
export const philoxFill = (
  distribution: "uniform" | "normal",
  key: readonly [number, number],
  counter: number,
  out: { length: number; [i: number]: number }
): void => {
  const block = new Uint32Array(4)
  const n = out.length
  for (let i = 0; i < n; i++) {
    const c = counter + i
    const lo = c % TWO_POW_32
    const hi = Math.floor(c / TWO_POW_32)
    philox4x32(lo, hi, 0, 0, key[0], key[1], block)
    if (distribution === "uniform") {
      out[i] = (block[0]! >>> 8) * TWO_POW_M24
    } else {
      const u1 = ((block[0]! >>> 8) + 1) * TWO_POW_M24
      const u2 = (block[1]! >>> 8) * TWO_POW_M24
      out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
    }
  }
}
