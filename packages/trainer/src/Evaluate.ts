/**
 * Evaluation: Pass@1, Pass@k (unbiased) and Maj@k for the DRG, its family and its CC/MCC
 * tier, the invalid-answer rate, error analysis, breakdowns and the family confusion.
 * Answers are read with the spec's `parseCompletion`, exactly as the rewards read them.
 *
 * @since 0.1.0
 */
import { parseCompletion, type DrgEntry, type LabelSpace } from "@sapphire-rl/spec"

/**
 * The unbiased Pass@k estimator from n samples with c correct: `1 − C(n−c, k) / C(n, k)`,
 * computed as a product so it never overflows.
 *
 * @since 0.1.0
 * @category metrics
 */
export const passAtK = (n: number, c: number, k: number): number => {
  if (!(n >= 1 && c >= 0 && c <= n && k >= 1 && k <= n)) throw new RangeError(`passAtK: need 0 <= c <= n and 1 <= k <= n, got n=${n} c=${c} k=${k}`)
  if (n - c < k) return 1
  let fail = 1
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i
  return 1 - fail
}

/**
 * The most frequent non-null value (ties: the one seen first), or null when there is none.
 *
 * @since 0.1.0
 * @category metrics
 */
export const majority = <A>(values: ReadonlyArray<A | null>): A | null => {
  const counts = new Map<A, number>()
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1)
  let best: A | null = null
  let bestCount = 0
  // Map iteration follows first appearance, so a tie keeps the value seen first.
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v
      bestCount = c
    }
  }
  return best
}

/**
 * One evaluated case: its gold DRG and the n sampled completions.
 *
 * @since 0.1.0
 * @category models
 */
export interface EvalCase {
  readonly exampleId: string
  readonly drg: number
  /** `easy` / `medium` / `hard` for synthetic cases, `real` otherwise. */
  readonly difficulty?: string
  readonly completions: ReadonlyArray<string>
}

/**
 * Pass@1 / Pass@k / Maj@k of one target, k = 8 unless fewer samples were drawn.
 *
 * @since 0.1.0
 * @category models
 */
export interface TargetScores {
  readonly pass1: number
  readonly pass8: number
  readonly maj8: number
}

/**
 * The full evaluation.
 *
 * @since 0.1.0
 * @category models
 */
export interface EvalReport {
  readonly drg: TargetScores
  readonly family: TargetScores
  readonly tier: TargetScores
  /** Fraction of samples with no valid title (format failed, or not one of the label space's titles). */
  readonly invalid: number
  readonly cases: number
  readonly samples: number
  /** Of the valid wrong answers: right family wrong tier, wrong family right tier, both wrong. */
  readonly errors: { readonly wrongTier: number; readonly wrongFamily: number; readonly both: number }
  readonly byDifficulty: Readonly<Record<string, { readonly cases: number; readonly drgPass1: number }>>
  readonly byMdc: Readonly<Record<string, { readonly cases: number; readonly drgPass1: number }>>
  /** Gold family × predicted family counts over valid answers. */
  readonly confusion: ReadonlyArray<{ readonly gold: string; readonly predicted: string; readonly count: number }>
}

type Target = "drg" | "family" | "tier"

/**
 * Evaluates sampled completions against their gold DRGs.
 *
 * @since 0.1.0
 * @category metrics
 */
export const evaluateCases = (cases: ReadonlyArray<EvalCase>, labelSpace: LabelSpace, k = 8): EvalReport => {
  const sums: Record<Target, { pass1: number; passk: number; majk: number }> = {
    drg: { pass1: 0, passk: 0, majk: 0 },
    family: { pass1: 0, passk: 0, majk: 0 },
    tier: { pass1: 0, passk: 0, majk: 0 }
  }
  let invalid = 0, samples = 0
  const errors = { wrongTier: 0, wrongFamily: 0, both: 0 }
  const groups = { difficulty: new Map<string, { cases: number; pass1: number }>(), mdc: new Map<string, { cases: number; pass1: number }>() }
  const confusion = new Map<string, { gold: string; predicted: string; count: number }>()
  for (const c of cases) {
    const gold = labelSpace.get(c.drg)
    if (gold === undefined) throw new RangeError(`evaluateCases: case ${c.exampleId}: DRG ${c.drg} is not in label space ${labelSpace.version}`)
    const n = c.completions.length
    if (n === 0) throw new RangeError(`evaluateCases: case ${c.exampleId} has no completions`)
    const predicted: Array<DrgEntry | null> = c.completions.map((text) => {
      const parsed = parseCompletion(text)
      return parsed.ok ? labelSpace.byTitle(parsed.normalizedAnswer) ?? null : null
    })
    samples += n
    invalid += predicted.filter((p) => p === null).length
    const keyOf: Record<Target, (e: DrgEntry) => string | number> = { drg: (e) => e.drg, family: (e) => e.familyId, tier: (e) => e.tier }
    const kk = Math.min(k, n)
    for (const target of ["drg", "family", "tier"] as const) {
      const goldKey = keyOf[target](gold)
      const keys = predicted.map((p) => (p === null ? null : keyOf[target](p)))
      const correct = keys.filter((key) => key === goldKey).length
      sums[target].pass1 += correct / n
      sums[target].passk += passAtK(n, correct, kk)
      sums[target].majk += majority(keys.slice(0, kk)) === goldKey ? 1 : 0
    }
    for (const p of predicted) {
      if (p === null) continue
      const key = `${gold.family}\u0000${p.family}`
      const cell = confusion.get(key) ?? { gold: gold.family, predicted: p.family, count: 0 }
      cell.count++
      confusion.set(key, cell)
      if (p.drg === gold.drg) continue
      const familyRight = p.familyId === gold.familyId, tierRight = p.tier === gold.tier
      if (familyRight) errors.wrongTier++
      else if (tierRight) errors.wrongFamily++
      else errors.both++
    }
    const drgPass1 = predicted.filter((p) => p?.drg === gold.drg).length / n
    for (const [map, key] of [[groups.difficulty, c.difficulty ?? "unknown"], [groups.mdc, gold.mdc ?? "none"]] as const) {
      const g = map.get(key) ?? { cases: 0, pass1: 0 }
      g.cases++
      g.pass1 += drgPass1
      map.set(key, g)
    }
  }
  const count = Math.max(1, cases.length)
  const scores = (t: Target): TargetScores => ({ pass1: sums[t].pass1 / count, pass8: sums[t].passk / count, maj8: sums[t].majk / count })
  const breakdown = (map: Map<string, { cases: number; pass1: number }>) =>
    Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)).map(([key, g]) => [key, { cases: g.cases, drgPass1: g.pass1 / g.cases }]))
  return {
    drg: scores("drg"),
    family: scores("family"),
    tier: scores("tier"),
    invalid: invalid / Math.max(1, samples),
    cases: cases.length,
    samples,
    errors,
    byDifficulty: breakdown(groups.difficulty),
    byMdc: breakdown(groups.mdc),
    confusion: [...confusion.values()].sort((a, b) => b.count - a.count)
  }
}
