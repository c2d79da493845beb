/**
 * The grouper contract: a case's codes in, an explainable DRG out.
 *
 * @since 1.0.0
 */
import type { DrgType, LabelSpace, SeverityTier } from "./LabelSpace.ts"
import type { PluginBase } from "./Plugin.ts"

/**
 * Sex as the grouper reads it.
 *
 * @since 1.0.0
 * @category models
 */
export type Sex = "M" | "F" | "U"

/**
 * A secondary diagnosis, optionally with its present-on-admission indicator.
 *
 * @since 1.0.0
 * @category models
 */
export type SecondaryDiagnosis = string | { readonly code: string; readonly poa?: "Y" | "N" | "U" | "W" | "1" }

/**
 * One inpatient case. Codes may be dotted or not, in any case.
 *
 * @since 1.0.0
 * @category models
 */
export interface GrouperInput {
  readonly pdx: string
  readonly sdx: ReadonlyArray<SecondaryDiagnosis>
  readonly procedures: ReadonlyArray<string>
  /** Age in years, 0-124. */
  readonly age: number
  readonly sex: Sex
  /** UB-04 patient discharge status, two digits ("01" home, "07" left AMA, "20" expired …). */
  readonly dischargeStatus: string
}

/**
 * The case severity the grouper derived from the secondary diagnoses.
 *
 * @since 1.0.0
 * @category models
 */
export type CaseSeverity = "MCC" | "CC" | "none"

/**
 * One decision the grouper made, with the code behind it.
 *
 * @since 1.0.0
 * @category models
 */
export interface TraceStep {
  /** Which step of the algorithm: "validate", "severity", "pre-mdc", "mdc", "partition", "surgical-class", "unrelated-or", "medical", "split", "hac", "drg". */
  readonly step: string
  /** What was decided, in words. */
  readonly decision: string
  /** The code that drove the decision, if one did. */
  readonly code?: string
}

/**
 * Whether the loaded tables knew every code of the case.
 *
 * @since 1.0.0
 * @category models
 */
export interface Coverage {
  /** True when every code of the case was found in the loaded tables. */
  readonly complete: boolean
  /** Codes (undotted, upper case) that the loaded tables do not know. */
  readonly unknownCodes: ReadonlyArray<string>
}

/**
 * The grouper's answer.
 *
 * @since 1.0.0
 * @category models
 */
export interface GrouperResult {
  readonly drg: number
  readonly title: string
  /**
   * The case's MDC (from the principal diagnosis or an MDC rule), also for 981-989 whose
   * label-space entry has none; null for pre-MDC DRGs and 999.
   */
  readonly mdc: string | null
  readonly type: DrgType | null
  readonly severity: CaseSeverity
  readonly family: string
  readonly tier: SeverityTier
  readonly trace: ReadonlyArray<TraceStep>
  readonly coverage: Coverage
  /** For 999: why the case could not be grouped. */
  readonly error?: string
}

/**
 * A grouper for one version.
 *
 * @since 1.0.0
 * @category models
 */
export interface Grouper {
  readonly version: string
  /** Never throws: bad input gives DRG 999 with `error` set. */
  readonly group: (input: GrouperInput) => GrouperResult
}

/**
 * A plugin that supplies a label space and a grouper.
 *
 * @since 1.0.0
 * @category models
 */
export interface GrouperPlugin extends PluginBase<"grouper"> {
  readonly kind: "grouper"
  readonly labelSpace: LabelSpace
  readonly grouper: Grouper
}
