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

/** What de-duplication kept and dropped. */
export interface Deduplicated<A> {
  readonly unique: ReadonlyArray<A>
  /** Records dropped because an earlier record had the same text. */
  readonly duplicates: number
  /** Of those, how many carried a different DRG than the record kept (label noise). */
  readonly conflicting: number
}

/**
 * A 53-bit hash of `text` with runs of whitespace read as one space and the ends trimmed
 * (two independent 32-bit multiply-xor lanes), so the same note re-wrapped or re-indented
 * hashes the same. Chance of any collision among 10^6 distinct notes: about 5e-5.
 */
export const textHash = (text: string): number => {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  let pendingSpace = false
  let started = false
  const feed = (code: number): void => {
    h1 = Math.imul(h1 ^ code, 2654435761)
    h2 = Math.imul(h2 ^ code, 1597334677)
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 32 || (code >= 9 && code <= 13) || code === 0xa0) {
      pendingSpace = started
      continue
    }
    if (pendingSpace) feed(32)
    pendingSpace = false
    started = true
    feed(code)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/**
 * Drops every record whose text (whitespace-normalized, by textHash) an earlier record
 * already has, so the same note can never land in both train and test. Keeps the first.
 */
export const dedupeByText = <A extends { readonly text: string; readonly drg: number }>(items: ReadonlyArray<A>): Deduplicated<A> => {
  const kept = new Map<number, A>()
  const unique: Array<A> = []
  let duplicates = 0
  let conflicting = 0
  for (const item of items) {
    const key = textHash(item.text)
    const first = kept.get(key)
    if (first === undefined) {
      kept.set(key, item)
      unique.push(item)
      continue
    }
    duplicates++
    if (first.drg !== item.drg) conflicting++
  }
  return { unique, duplicates, conflicting }
}
