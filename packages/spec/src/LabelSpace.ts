/**
 * The label-space contract: the set of DRG titles a model may answer with, how a title
 * decomposes into a family and a CC/MCC tier, and how free text resolves to a title.
 *
 * @since 1.0.0
 */

/**
 * The CC/MCC tier a DRG title names.
 *
 * - `MCC`: "WITH MCC"; `CC`: "WITH CC"; `CC-or-MCC`: "WITH CC/MCC";
 * - `without-MCC`: "WITHOUT MCC"; `without-CC-MCC`: "WITHOUT CC/MCC";
 * - `none`: the DRG has no severity split.
 *
 * @since 1.0.0
 * @category models
 */
export type SeverityTier = "MCC" | "CC" | "CC-or-MCC" | "without-MCC" | "without-CC-MCC" | "none"

/**
 * All tiers, in a stable order.
 *
 * @since 1.0.0
 * @category constants
 */
export const SEVERITY_TIERS: ReadonlyArray<SeverityTier> = [
  "MCC",
  "CC",
  "CC-or-MCC",
  "without-MCC",
  "without-CC-MCC",
  "none"
]

/**
 * Medical or surgical partition of a DRG; `null` for 998 and 999.
 *
 * @since 1.0.0
 * @category models
 */
export type DrgType = "medical" | "surgical"

/**
 * How a title is split into family and tier.
 *
 * - `correct`: the severity clause is parsed from the end of the title; only the five
 *   severity clauses are tiers (the default).
 * - `sapphire-naive`: DRG-Sapphire's rule, splitting at the first ` WITH `/` WITHOUT `;
 *   offered only to reproduce its rewards faithfully.
 *
 * @since 1.0.0
 * @category models
 */
export type DecompositionRule = "correct" | "sapphire-naive"

/**
 * A title split into its family and tier.
 *
 * @since 1.0.0
 * @category models
 */
export interface TitleDecomposition {
  /** Family text (for `correct`: the display text shared by the whole family). */
  readonly family: string
  /** Tier; under `sapphire-naive` a status that is not a severity clause gives `null`. */
  readonly tier: SeverityTier | null
  /** The raw status text after the split (the naive rule's "status"; "" when none). */
  readonly status: string
  /** An alternative criterion that also qualifies for the DRG ("… WITH MCC OR X"). */
  readonly alternative: string | null
}

/**
 * One MS-DRG of a label space.
 *
 * @since 1.0.0
 * @category models
 */
export interface DrgEntry {
  readonly drg: number
  /** Two-digit MDC ("01" … "25"); `null` for pre-MDC, 981-989, 998 and 999. */
  readonly mdc: string | null
  readonly type: DrgType | null
  /** The title in the label-space's normalized form (the answer string). */
  readonly title: string
  /** Family display text under the correct decomposition. */
  readonly family: string
  /** Stable family identifier (0-based, in order of the family's lowest DRG). */
  readonly familyId: number
  readonly tier: SeverityTier
  /** Alternative criterion written into the title, if any. */
  readonly alternative: string | null
}

/**
 * A family: the DRGs that differ only by their CC/MCC tier.
 *
 * @since 1.0.0
 * @category models
 */
export interface DrgFamily {
  readonly id: number
  readonly family: string
  readonly mdc: string | null
  readonly type: DrgType | null
  readonly drgs: ReadonlyArray<number>
  /** "3-way", "2-way-MCC", "2-way-CC-MCC" or "single". */
  readonly pattern: "3-way" | "2-way-MCC" | "2-way-CC-MCC" | "single"
}

/**
 * How free text was matched to a title.
 *
 * @since 1.0.0
 * @category models
 */
export type ResolutionMethod = "exact" | "normalized" | "abbreviation" | "spelling"

/**
 * Result of resolving free text to a DRG title.
 *
 * @since 1.0.0
 * @category models
 */
export type Resolution =
  | {
    readonly ok: true
    readonly drg: number
    readonly title: string
    readonly method: ResolutionMethod
  }
  | {
    readonly ok: false
    /** Why the text did not resolve, in words a person can act on. */
    readonly reason: string
    /** Titles that came close, best first (may be empty). */
    readonly candidates: ReadonlyArray<{ readonly drg: number; readonly title: string }>
  }

/**
 * A DRG label space (e.g. MS-DRG v34).
 *
 * @since 1.0.0
 * @category models
 */
export interface LabelSpace {
  /** Grouper version, e.g. "v34". */
  readonly version: string
  readonly entries: ReadonlyArray<DrgEntry>
  readonly families: ReadonlyArray<DrgFamily>
  /** The DRG with this number, if it exists. */
  readonly get: (drg: number) => DrgEntry | undefined
  /**
   * Exact membership as DRG-Sapphire tests it: the title after trimming and
   * upper-casing equals one label-space title. No other normalization.
   */
  readonly byTitle: (title: string) => DrgEntry | undefined
  /** Resolves free text (abbreviations, `W`/`W/O`, `&`, commas, known misspellings). */
  readonly resolve: (text: string) => Resolution
  /** Splits a title (given as DRG number or text) into family and tier. */
  readonly decompose: (title: string | number, rule?: DecompositionRule) => TitleDecomposition
}
