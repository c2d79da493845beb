/**
 * The grouper's table format. Every grouping decision reads one of these tables; the
 * engine holds no code lists and does no DRG-number arithmetic.
 */
import type { DrgFamily } from "@sapphire-rl/spec"

/** CC level of a diagnosis when it is secondary (before exclusions). */
export type CcLevel = "MCC" | "CC" | "none"

/** How a family splits on case severity (the label space's family patterns). */
export type SplitPattern = DrgFamily["pattern"]

/**
 * A code pattern: an undotted code ("I5023"), a prefix ending in `*` ("I50*"), or a
 * pattern with `*` inside, standing for any characters ("L89*3": stage 3 at any site).
 * Patterns keep same-category lists short (exclusion collections, PDX lists).
 */
export type CodePattern = string

/** Attributes of one ICD-10-CM code. */
export interface DiagnosisAttributes {
  /** MDC when the code is the principal diagnosis ("01" … "25"); null: not valid as PDX here. */
  readonly mdc: string | null
  /** Default medical family (id) of the code as PDX; null: not valid as PDX here. */
  readonly family: string | null
  /** CC level as a secondary diagnosis, before PDX exclusions. */
  readonly level: CcLevel
  /** PDX-exclusion collection id (Appendix C); the SDX is non-CC when the PDX is in it. */
  readonly exclusion?: string
  /** Codes listed under MDC 12 and 13 alike: MDC and medical family by sex (unknown sex → 999). */
  readonly bySex?: {
    readonly M: { readonly mdc: string; readonly family: string }
    readonly F: { readonly mdc: string; readonly family: string }
  }
}

/** Attributes of one ICD-10-PCS code. */
export interface ProcedureAttributes {
  /** Operating-room procedure (makes the case surgical). */
  readonly or: boolean
  /** Surgical classes (ids) the code belongs to, in any MDC. */
  readonly classes: ReadonlyArray<string>
  /** Named attributes that DRG logic reads ("mv>96", "thrombolytic", "cath", …). */
  readonly flags: ReadonlyArray<string>
  /** Coronary arteries treated (PCI codes), for "4+ vessels/stents". */
  readonly vessels?: number
  /** Coronary stents placed (PCI codes), for "4+ vessels/stents". */
  readonly stents?: number
}

/**
 * A data-level predicate over a case. Lists are referenced by name (`Tables.lists`) so
 * one list serves several rules and a loader can replace it.
 */
export type Condition =
  | { readonly kind: "pdx"; readonly list: string }
  | { readonly kind: "sdx"; readonly list: string }
  | { readonly kind: "proc"; readonly flag: string }
  | { readonly kind: "status"; readonly list: string }
  | { readonly kind: "mdc"; readonly mdc: string }
  | { readonly kind: "pdx-family"; readonly family: string }
  | { readonly kind: "count"; readonly attr: "vessels" | "stents"; readonly min: number }
  /** Diagnoses of the case (PDX and SDX) fall in at least `min` of these site lists. */
  | { readonly kind: "distinct-sites"; readonly lists: ReadonlyArray<string>; readonly min: number }
  /** Another O.R. procedure than those carrying `flag` (extensive only: not on the non-extensive list). */
  | { readonly kind: "or-besides"; readonly flag: string; readonly extensive: boolean }
  | { readonly kind: "all"; readonly of: ReadonlyArray<Condition> }
  | { readonly kind: "any"; readonly of: ReadonlyArray<Condition> }
  | { readonly kind: "not"; readonly of: Condition }

/** A route to a family, taken when `when` holds (or always when absent). */
export interface Route {
  readonly when?: Condition
  readonly family: string
  /** Words for the trace ("with cardiac catheterization"). */
  readonly because?: string
}

/** "… WITH MCC OR X": when X (`when`) holds, the family treats the case as `severity`. */
export interface FamilyAlternative {
  readonly when: Condition
  readonly severity: "MCC" | "CC"
  /** X in words, for the trace. */
  readonly text: string
}

/** A family with its explicit DRG per case severity. */
export interface FamilyRow {
  readonly id: string
  readonly mdc: string | null
  readonly pattern: SplitPattern
  readonly byTier: { readonly MCC: number; readonly CC: number; readonly none: number }
  /** "… WITH MCC OR X": X raises the severity used for this family. */
  readonly alternatives?: ReadonlyArray<FamilyAlternative>
}

/** A surgical class of one MDC (Appendix D/E): an O.R. procedure of the class routes the case. */
export interface SurgicalClass {
  readonly id: string
  readonly mdc: string
  readonly title: string
  /** Takes every O.R. procedure (MDCs that absorb their own "other O.R." cases). */
  readonly anyOr?: boolean
  /** Only extensive procedures count for an `anyOr` class (non-extensive ones fall through). */
  readonly extensiveOnly?: boolean
  /** The class applies only when this holds (procedure clusters, PDX conditions). */
  readonly requires?: Condition
  readonly routes: ReadonlyArray<Route>
}

/** A pre-MDC rule (checked before the MDC, in order). */
export interface PreMdcRule {
  readonly id: string
  readonly when: Condition
  readonly routes: ReadonlyArray<Route>
  /** Code flag that names the driving procedure in the trace. */
  readonly flag: string
}

/** A medical-partition rule: overrides the PDX's default family when `when` holds. */
export interface MedicalRule {
  readonly id: string
  readonly when: Condition
  readonly family: string
  readonly because: string
}

/** A rule that moves the case to another MDC than the PDX's own. */
export interface MdcRule {
  readonly when: Condition
  readonly mdc: string
  /** Family used when the case is medical in that MDC. */
  readonly family: string
  readonly because: string
}

/** One hospital-acquired condition category (Appendix I). */
export interface HacCategory {
  readonly id: string
  readonly title: string
  /** SDX codes of the category. */
  readonly sdx: ReadonlyArray<CodePattern>
  /** When present, the HAC applies only with one of these procedures. */
  readonly procedures?: ReadonlyArray<CodePattern>
  /** When present, the HAC applies only with one of these PDX. */
  readonly pdx?: ReadonlyArray<CodePattern>
}

/** The unrelated O.R. families (Appendix F). */
export interface UnrelatedFamilies {
  readonly extensive: string
  readonly prostatic: string | null
  readonly nonExtensive: string
}

/** A complete table set for one grouper version. */
export interface Tables {
  readonly version: string
  /** Where the tables came from ("built-in v34", "CMS text files over built-in v34" …). */
  readonly source: string
  readonly diagnoses: ReadonlyMap<string, DiagnosisAttributes>
  readonly procedures: ReadonlyMap<string, ProcedureAttributes>
  /** PDX-exclusion collections: id → PDX patterns. */
  readonly exclusions: ReadonlyMap<string, ReadonlyArray<CodePattern>>
  /** MCCs that count only when the patient was discharged alive (Appendix C part 2). */
  readonly aliveOnlyMcc: ReadonlySet<string>
  /** Discharge statuses that mean the patient died. */
  readonly expiredStatuses: ReadonlySet<string>
  /** Valid UB-04 discharge statuses. */
  readonly validStatuses: ReadonlySet<string>
  /** Non-extensive O.R. procedures (Appendix F). */
  readonly nonExtensive: ReadonlySet<string>
  /** Prostatic O.R. procedures (984-986). */
  readonly prostatic: ReadonlySet<string>
  readonly families: ReadonlyMap<string, FamilyRow>
  readonly classes: ReadonlyMap<string, SurgicalClass>
  /** MDC → surgical class ids, highest first (Appendix D). */
  readonly hierarchy: ReadonlyMap<string, ReadonlyArray<string>>
  readonly preMdc: ReadonlyArray<PreMdcRule>
  readonly mdcRules: ReadonlyArray<MdcRule>
  /** MDCs that need a given sex ("14" → "F"). */
  readonly mdcSex: ReadonlyMap<string, "M" | "F">
  readonly medicalRules: ReadonlyArray<MedicalRule>
  readonly unrelated: UnrelatedFamilies
  readonly hac: ReadonlyArray<HacCategory>
  /** Named code lists that conditions reference. */
  readonly lists: ReadonlyMap<string, ReadonlyArray<CodePattern>>
  /** DRG titles from a loaded Appendix A (drg → MDC, type, title); empty for built-in tables. */
  readonly drgs: ReadonlyMap<number, { readonly mdc: string | null; readonly type: "M" | "P" | null; readonly title: string }>
}
