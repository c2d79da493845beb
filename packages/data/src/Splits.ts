/**
 * Deterministic DRG-stratified splits: held-out test, SFT/GRPO portions and a DRG-Small style
 * subset. Classes too small to split go wholly to the training side, as DRG-LLaMA's split
 * script does with classes below its minimum count.
 */
import { makePrng } from "./Prng.ts"

/** Minimal shape a split needs. */
export interface Splittable {
  readonly id: string
  readonly drg: number
}

/** Options of a stratified split. */
export interface StratifiedSplitOptions {
  /** Fraction of each DRG class that goes to the second part (0-1). */
  readonly fraction: number
  readonly seed: number
  /** Classes with fewer cases than this stay wholly in the first part (default 2). */
  readonly minClassSize?: number
}

/** A two-way split. */
export interface Split<A> {
  readonly first: ReadonlyArray<A>
  readonly second: ReadonlyArray<A>
}

const byDrg = <A extends Splittable>(items: ReadonlyArray<A>): Map<number, Array<A>> => {
  const groups = new Map<number, Array<A>>()
  for (const item of items) {
    const g = groups.get(item.drg) ?? []
    g.push(item)
    groups.set(item.drg, g)
  }
  return groups
}

/**
 * Splits per DRG class: each class (sorted by id, then shuffled by the seed) gives
 * `round(fraction * size)` items to `second`, at least one and at most size - 1 (fraction 0 gives
 * none and 1 the whole class); classes below `minClassSize` go wholly to `first`. Output keeps the input order within each part.
 */
export const stratifiedSplit = <A extends Splittable>(items: ReadonlyArray<A>, options: StratifiedSplitOptions): Split<A> => {
  if (!(options.fraction >= 0 && options.fraction <= 1)) throw new RangeError(`fraction must be in [0, 1], got ${options.fraction}`)
  const minClass = options.minClassSize ?? 2
  const rng = makePrng(options.seed)
  const chosen = new Set<A>()
  const groups = [...byDrg(items).entries()].sort((a, b) => a[0] - b[0])
  for (const [, group] of groups) {
    // Shuffle draws for every class, so one class's size never shifts another's selection.
    const order = rng.shuffle([...group].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    if (group.length < minClass || options.fraction === 0) continue
    const take = options.fraction === 1
      ? group.length
      : Math.min(group.length - 1, Math.max(1, Math.round(options.fraction * group.length)))
    for (const item of order.slice(0, take)) chosen.add(item)
  }
  return { first: items.filter((i) => !chosen.has(i)), second: items.filter((i) => chosen.has(i)) }
}

/** Train / held-out test split (DRG-stratified). */
export const trainTestSplit = <A extends Splittable>(items: ReadonlyArray<A>, testFraction: number, seed: number, minClassSize = 2) => {
  const s = stratifiedSplit(items, { fraction: testFraction, seed, minClassSize })
  return { train: s.first, test: s.second }
}

/** SFT / GRPO split of training data at an SFT ratio (e.g. 0.9 as DRG-Sapphire's best run). */
export const sftGrpoSplit = <A extends Splittable>(train: ReadonlyArray<A>, sftRatio: number, seed: number) => {
  const s = stratifiedSplit(train, { fraction: 1 - sftRatio, seed, minClassSize: 2 })
  return { sft: s.first, grpo: s.second }
}

/** A DRG-Small style stratified subset (DRG-Sapphire used 20% of the data). */
export const drgSmall = <A extends Splittable>(items: ReadonlyArray<A>, fraction = 0.2, seed = 0): ReadonlyArray<A> =>
  stratifiedSplit(items, { fraction, seed, minClassSize: 1 }).second
