/**
 * The accuracy reward's scoring of one answer against its gold title.
 *
 * @since 0.1.0
 */
import { normalizeAnswer, type LabelSpace } from "@sapphire-rl/spec"
import { entryByNormalizedTitle } from "./titleIndex.ts"

/**
 * How much partial credit the accuracy reward gives (NOTES.md, paper §3.3 "Reward Shaping" / A.2):
 * `strict` (exact or nothing), `dense` (family, then tier), `balanced` (family only; our
 * values, the paper gives none).
 *
 * @since 0.1.0
 * @category models
 */
export type AccuracyScheme = "strict" | "dense" | "balanced"

/**
 * How family and tier are decided: `exact` compares the label space's correct
 * decomposition of gold and prediction; `naive` is DRG-Sapphire's rule, splitting the gold
 * title at its first ` WITH `/` WITHOUT ` and testing whether the two parts are
 * substrings of the prediction.
 *
 * @since 0.1.0
 * @category models
 */
export type TitleSplit = "exact" | "naive"

/**
 * How the answer is compared with the gold title for full credit: `equal` (normalized
 * equality, the default) or `substring` (DRG-Sapphire's code: the gold title occurs in the
 * answer, which gives 2.0 to 24 wrong v34 pairs such as gold "COMPLICATED PEPTIC ULCER WITH
 * MCC" answered "UNCOMPLICATED PEPTIC ULCER WITH MCC").
 *
 * @since 0.1.0
 * @category models
 */
export type GoldMatch = "equal" | "substring"

/**
 * The score of each outcome.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccuracyValues {
  readonly exact: number
  readonly family: number
  readonly tier: number
  readonly otherValid: number
  readonly invalid: number
}

/**
 * The values of each scheme. Strict and dense are DRG-Sapphire's; balanced is ours (family
 * right 1.0, any other valid title 0.0), between the two.
 *
 * @since 0.1.0
 * @category constants
 */
export const ACCURACY_VALUES: Readonly<Record<AccuracyScheme, AccuracyValues>> = {
  strict: { exact: 2, family: 0, tier: 0, otherValid: 0, invalid: -1.5 },
  dense: { exact: 2, family: 1.5, tier: 0.5, otherValid: -0.5, invalid: -1.5 },
  balanced: { exact: 2, family: 1, tier: 0, otherValid: 0, invalid: -1.5 }
}

/**
 * Which outcome an answer reached.
 *
 * @since 0.1.0
 * @category models
 */
export type AccuracyOutcome = keyof AccuracyValues

/**
 * Options of one accuracy scoring.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccuracyOptions {
  readonly scheme: AccuracyScheme
  readonly split: TitleSplit
  readonly goldMatch: GoldMatch
}

/**
 * Classifies an answer (already normalized with `normalizeAnswer`) against the gold title:
 * `invalid` when empty or not a title of the label space; `exact`; then, for the dense and
 * balanced schemes, `family` (same family), `tier` (same CC/MCC tier; dense only; never for
 * a gold title without a severity split, as in DRG-Sapphire's code) or `otherValid`.
 *
 * @since 0.1.0
 * @category scoring
 */
export const classifyAnswer = (
  normalizedAnswer: string,
  goldTitle: string,
  labelSpace: LabelSpace,
  options: AccuracyOptions
): AccuracyOutcome => {
  if (normalizedAnswer === "") return "invalid"
  const predicted = entryByNormalizedTitle(labelSpace, normalizedAnswer)
  if (predicted === undefined) return "invalid"
  const gold = normalizeAnswer(goldTitle)
  const exact = options.goldMatch === "substring" ? gold !== "" && normalizedAnswer.includes(gold) : normalizedAnswer === gold
  if (exact) return "exact"
  if (options.scheme === "strict") return "otherValid"
  if (options.split === "naive") {
    // DRG-Sapphire: no WITH/WITHOUT split of the gold title means no partial credit.
    const { family, status } = labelSpace.decompose(gold, "sapphire-naive")
    if (status === "") return "otherValid"
    if (family !== "" && normalizedAnswer.includes(family)) return "family"
    if (options.scheme === "dense" && normalizedAnswer.includes(status)) return "tier"
    return "otherValid"
  }
  const g = labelSpace.decompose(gold)
  const p = labelSpace.decompose(predicted.title)
  if (g.family === p.family) return "family"
  if (options.scheme === "dense" && g.tier !== "none" && g.tier === p.tier) return "tier"
  return "otherValid"
}

/**
 * The accuracy score of an answer.
 *
 * @since 0.1.0
 * @category scoring
 */
export const scoreAnswer = (normalizedAnswer: string, goldTitle: string, labelSpace: LabelSpace, options: AccuracyOptions): number =>
  ACCURACY_VALUES[options.scheme][classifyAnswer(normalizedAnswer, goldTitle, labelSpace, options)]
