/**
 * A seeded counter-based random stream (Philox-4x32-10 via the `random` kernel): each
 * draw takes the next `n` counters, so results depend only on the seed and the order
 * of draws, never on the backend.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 @category models */
export class Rng {
  readonly key: readonly [number, number]
  #counter = 0

  /** A stream for a seed (any safe integer; low and high 32 bits form the key). */
  constructor(seed: number, counter = 0) {
    const s = Math.trunc(seed)
    this.key = [s >>> 0, Math.floor(s / 4294967296) >>> 0]
    this.#counter = counter
  }

  /** The next counter value. */
  get counter(): number {
    return this.#counter
  }

  /** Reserves `n` counters and returns the first. */
  take(n: number): number {
    const c = this.#counter
    this.#counter += n
    return c
  }
}

let global = new Rng(0)

/**
 * The stream used when a creation function gets no `rng`.
 *
 * @since 0.1.0
 * @category random
 */
export const defaultRng = (): Rng => global

/**
 * Reseeds the default stream.
 *
 * @since 0.1.0
 * @category random
 */
export const manualSeed = (seed: number): void => {
  global = new Rng(seed)
}
