/**
 * Parsing a title into family text and CC/MCC tier, by the correct rule (severity clause
 * parsed from the end) or by DRG-Sapphire's naive first-WITH split.
 *
 * @since 0.1.0
 */
import type { SeverityTier, TitleDecomposition } from "@sapphire-rl/spec"
import { normalizeTitle } from "./normalizeTitle.ts"
import { fixSpellings } from "./spellings.ts"

/**
 * The five severity clauses and their tiers; nothing else is a tier.
 *
 * @since 0.1.0
 */
export const SEVERITY_CLAUSES: ReadonlyMap<string, SeverityTier> = new Map([
  ["WITH MCC", "MCC"],
  ["WITH CC", "CC"],
  ["WITH CC/MCC", "CC-or-MCC"],
  ["WITHOUT MCC", "without-MCC"],
  ["WITHOUT CC/MCC", "without-CC-MCC"]
])

/**
 * The clause text of each tier (`""` for `none`), for rebuilding titles.
 *
 * @since 0.1.0
 */
export const TIER_CLAUSE: Readonly<Record<SeverityTier, string>> = {
  "MCC": "WITH MCC",
  "CC": "WITH CC",
  "CC-or-MCC": "WITH CC/MCC",
  "without-MCC": "WITHOUT MCC",
  "without-CC-MCC": "WITHOUT CC/MCC",
  "none": ""
}

/**
 * Regular-expression source matching any one severity clause, longest first so that
 * "WITH CC/MCC" is not read as "WITH CC".
 *
 * @since 0.1.0
 */
export const SEVERITY_CLAUSE_PATTERN: string = [...SEVERITY_CLAUSES.keys()]
  .sort((a, b) => b.length - a.length)
  .map((clause) => clause.replace("/", "\\/"))
  .join("|")

// Severity clause at the very end, optionally followed by "OR <alternative criterion>".
// The lazy family makes the clause the LAST one that can end the title.
const SEVERITY_AT_END = new RegExp(String.raw`^(.*?)\s+(${SEVERITY_CLAUSE_PATTERN})(?:\s+OR\s+(.+))?$`)

const NAIVE_SPLIT = /\s+(WITH|WITHOUT)\s+/

/**
 * The correct rule's parse of one title, before family display text is looked up.
 *
 * @since 0.1.0
 */
export interface ParsedTitle {
  /** Family text of this title: normalized, misspellings fixed. */
  readonly familyText: string
  /** Grouping key: `familyText` with abbreviations expanded and aliases applied. */
  readonly familyKey: string
  readonly tier: SeverityTier
  readonly status: string
  readonly alternative: string | null
}

/**
 * The one family alias (catalog_check.md §4.4): 837 names its alternative before the tier,
 * 838 after it and 839 not at all, yet the three DRGs are one family.
 *
 * @since 0.1.0
 */
export const CHEMO_ALIAS_FAMILY = "CHEMOTHERAPY WITH ACUTE LEUKEMIA AS SDX OR HIGH DOSE CHEMOTHERAPY AGENT"

const FAMILY_ALIASES: ReadonlyMap<string, string> = new Map([
  ["CHEMOTHERAPY WITH ACUTE LEUKEMIA AS SDX", CHEMO_ALIAS_FAMILY],
  ["CHEMOTHERAPY WITH ACUTE LEUKEMIA AS SDX OR WITH HIGH DOSE CHEMOTHERAPY AGENT", CHEMO_ALIAS_FAMILY]
])

/**
 * The grouping key of a family text: "PROC"/"PROCEDURE(S)", "CHOLECYST" and "REMOVAL
 * INTERNAL" are unified (the label space keeps these short forms in 410, 497-499, 718,
 * 956 and 987-988), then the 837-839 alias is applied.
 *
 * @since 0.1.0
 */
export const familyKeyOf = (familyText: string): string => {
  const key = familyText
    .replace(/\bPROC(?:EDURES?)?\b/g, "PROCEDURE")
    .replace(/\bCHOLECYST\b/g, "CHOLECYSTECTOMY")
    .replace(/\bREMOVAL INTERNAL\b/g, "REMOVAL OF INTERNAL")
  return FAMILY_ALIASES.get(familyText) ?? FAMILY_ALIASES.get(key) ?? key
}

/**
 * Whether a family text is free of the abbreviations the grouping key expands, so it can
 * serve as the family's display text.
 *
 * @since 0.1.0
 */
export const isUnabbreviatedFamilyText = (familyText: string): boolean =>
  !/\bPROC\b|\bCHOLECYST\b|\bREMOVAL INTERNAL\b/.test(familyText)

/**
 * Parses a title by the correct rule: normalize, fix known misspellings, then take the
 * severity clause from the end.
 *
 * @since 0.1.0
 */
export const parseTitle = (title: string): ParsedTitle => {
  const text = fixSpellings(normalizeTitle(title))
  const m = SEVERITY_AT_END.exec(text)
  if (m === null) {
    return { familyText: text, familyKey: familyKeyOf(text), tier: "none", status: "", alternative: null }
  }
  const familyText = m[1]!
  const status = m[2]!
  return {
    familyText,
    familyKey: familyKeyOf(familyText),
    tier: SEVERITY_CLAUSES.get(status)!,
    status,
    alternative: m[3] ?? null
  }
}

/**
 * DRG-Sapphire's `parse_code`: upper-case, split once at the first ` WITH ` / ` WITHOUT `.
 * The status is a tier only when it is exactly a severity clause (else `null`); a title
 * with no split has tier `none`.
 *
 * @since 0.1.0
 */
export const decomposeNaive = (title: string): TitleDecomposition => {
  const text = title.trim().toUpperCase()
  const m = NAIVE_SPLIT.exec(text)
  if (m === null) return { family: text, tier: "none", status: "", alternative: null }
  const status = `${m[1]} ${text.slice(m.index + m[0].length)}`
  return {
    family: text.slice(0, m.index),
    tier: SEVERITY_CLAUSES.get(status) ?? null,
    status,
    alternative: null
  }
}
