/**
 * Counter-based random numbers for sampling: the uniform for (seed, stream, counter) is a
 * pure function of the three, so a request's samples do not depend on what else is in
 * the batch, on the backend, or on the order rows are processed.
 *
 * @since 0.1.0
 */

// Chris Wellons' "lowbias32" integer hash: good avalanche for 32-bit inputs.
const mix = (x: number): number => {
  x ^= x >>> 16
  x = Math.imul(x, 0x7feb352d)
  x ^= x >>> 15
  x = Math.imul(x, 0x846ca68b)
  x ^= x >>> 16
  return x >>> 0
}

/**
 * A uniform number in [0, 1) with 53 random bits, determined by (seed, stream, counter).
 *
 * @since 0.1.0
 * @category constructors
 */
export const uniformAt = (seed: number, stream: number, counter: number): number => {
  const a = mix((seed >>> 0) ^ mix((stream >>> 0) ^ 0x9e3779b9))
  const hi = mix(a ^ mix((counter >>> 0) + 0x85ebca6b))
  const lo = mix(hi ^ 0xc2b2ae35 ^ mix(counter >>> 0))
  return ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992
}

/**
 * A fresh 32-bit seed for requests that did not give one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const randomSeed = (): number => Math.floor(Math.random() * 4294967296) >>> 0
