/**
 * A small seeded PRNG (xoshiro128** seeded through splitmix32), so generated data is
 * byte-identical across runs, platforms and runtimes; `Math.random` is never used.
 */

/** A deterministic random source. */
export interface Prng {
  /** Uniform float in [0, 1). */
  readonly next: () => number
  /** Uniform integer in [lo, hi] (inclusive). */
  readonly int: (lo: number, hi: number) => number
  /** True with probability p. */
  readonly chance: (p: number) => boolean
  /** One element, uniformly. Throws on an empty array (a programming error). */
  readonly pick: <A>(items: ReadonlyArray<A>) => A
  /** One element with probability proportional to `weight(item)`. */
  readonly weighted: <A>(items: ReadonlyArray<A>, weight: (item: A) => number) => A
  /** A shuffled copy. */
  readonly shuffle: <A>(items: ReadonlyArray<A>) => Array<A>
  /** An independent stream derived from this one (for sub-tasks whose draw count varies). */
  readonly fork: () => Prng
}

const splitmix32 = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0

/** Creates a PRNG from an integer seed (any JS number; only its low 32 bits and the high part matter). */
export const makePrng = (seed: number): Prng => {
  const mix = splitmix32((seed >>> 0) ^ Math.floor(seed / 0x100000000))
  let a = mix(), b = mix(), c = mix(), d = mix()
  if ((a | b | c | d) === 0) a = 1
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0
    const t = (b << 9) >>> 0
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return result
  }
  const next = (): number => nextU32() / 0x100000000
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => {
    if (items.length === 0) throw new Error("Prng.pick: empty array")
    return items[Math.floor(next() * items.length)] as A
  }
  const weighted = <A>(items: ReadonlyArray<A>, weight: (item: A) => number): A => {
    let total = 0
    for (const item of items) total += Math.max(0, weight(item))
    if (items.length === 0 || total <= 0) throw new Error("Prng.weighted: no positive weight")
    let r = next() * total
    for (const item of items) {
      r -= Math.max(0, weight(item))
      if (r < 0) return item
    }
    return items[items.length - 1] as A
  }
  const shuffle = <A>(items: ReadonlyArray<A>): Array<A> => {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      const tmp = out[i] as A
      out[i] = out[j] as A
      out[j] = tmp
    }
    return out
  }
  const self: Prng = {
    next,
    int,
    chance: (p) => next() < p,
    pick,
    weighted,
    shuffle,
    fork: () => makePrng(nextU32() * 0x100000000 + nextU32())
  }
  return self
}

/** Largest run seed: every integer seed up to 2^53 - 1 is exact in a JS number. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER

/** Throws a RangeError unless `seed` is an integer in [0, MAX_SEED] (the seeds deriveSeed tells apart). */
export const checkSeed = (seed: number, what = "seed"): void => {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`${what} must be an integer in [0, 2^53 - 1], got ${seed}`)
}

/**
 * Derives a per-item seed from a run seed and an index, so item i does not depend on items
 * before it. Every bit of the seed counts: the part above bit 31 enters through its own
 * splitmix round (seeds 0 and 2^32 give different data), and seeds below 2^32 keep the
 * streams they always had. Throws on a seed or index outside the safe non-negative integers.
 */
export const deriveSeed = (seed: number, index: number): number => {
  checkSeed(seed)
  checkSeed(index, "index")
  const high = Math.floor(seed / 0x100000000)
  const highMix = high === 0 ? 0 : splitmix32(high)()
  const mix = splitmix32(((seed >>> 0) ^ highMix ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0)
  return mix() * 0x100000 + (mix() >>> 12)
}
