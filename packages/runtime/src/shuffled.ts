/**
 * A seeded shuffle (mulberry32), so a run's data order depends on its seed only.
 *
 * @since 0.1.0
 */

/**
 * A copy of `items` in an order fixed by `seed` (Fisher–Yates over mulberry32).
 *
 * @since 0.1.0
 * @category utils
 */
export const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
