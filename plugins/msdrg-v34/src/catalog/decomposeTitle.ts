/**
 * Splitting a title into family and CC/MCC tier.
 *
 * @since 0.1.0
 */
import type { DecompositionRule, TitleDecomposition } from "@sapphire-rl/spec"
import { catalogIndex } from "./catalogIndex.ts"
import { decomposeNaive, parseTitle } from "./parseTitle.ts"

/**
 * Splits a title into family and tier.
 *
 * - `correct` (default): the severity clause is parsed from the end (only the five clauses
 *   are tiers; "… WITH MCC OR X" records X as the alternative). When the title's family is
 *   a v34 family, `family` is that family's display text (shared by all its DRGs);
 *   otherwise it is the title's own family text, normalized.
 * - `sapphire-naive`: DRG-Sapphire's split at the first ` WITH `/` WITHOUT `.
 *
 * @since 0.1.0
 */
export const decomposeTitle = (title: string, rule: DecompositionRule = "correct"): TitleDecomposition => {
  if (rule === "sapphire-naive") return decomposeNaive(title)
  const p = parseTitle(title)
  const known = catalogIndex().familyByKey.get(p.familyKey)
  return { family: known?.family ?? p.familyText, tier: p.tier, status: p.status, alternative: p.alternative }
}
