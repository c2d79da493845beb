/**
 * Case severity from the secondary diagnoses: CC/MCC levels, PDX exclusions and the
 * MCCs that count only for patients discharged alive.
 */
import type { CaseSeverity, TraceStep } from "@sapphire-rl/spec"
import type { Tables } from "../tables/types.ts"
import { dotted, matcherOf } from "./codes.ts"

/** Severity with the steps that explain it. */
export interface SeverityResult {
  readonly severity: CaseSeverity
  readonly trace: ReadonlyArray<TraceStep>
}

const RANK: Readonly<Record<CaseSeverity, number>> = { none: 0, CC: 1, MCC: 2 }

/** The higher of two severities. */
export const maxSeverity = (a: CaseSeverity, b: CaseSeverity): CaseSeverity => (RANK[a] >= RANK[b] ? a : b)

/** Computes the case severity from `sdx` (undotted, already without the PDX). */
export const caseSeverity = (
  tables: Tables,
  pdx: string,
  sdx: ReadonlyArray<string>,
  expired: boolean
): SeverityResult => {
  let severity: CaseSeverity = "none"
  const trace: Array<TraceStep> = []
  for (const code of sdx) {
    const attrs = tables.diagnoses.get(code)
    if (attrs === undefined || attrs.level === "none") continue
    const shown = dotted(code)
    if (attrs.exclusion !== undefined) {
      const collection = tables.exclusions.get(attrs.exclusion)
      if (collection !== undefined && matcherOf(collection).test(pdx)) {
        trace.push({
          step: "severity",
          decision: `${shown} ${attrs.level} excluded with PDX ${dotted(pdx)} (exclusion collection ${attrs.exclusion})`,
          code: shown
        })
        continue
      }
    }
    if (attrs.level === "MCC" && expired && tables.aliveOnlyMcc.has(code)) {
      trace.push({ step: "severity", decision: `${shown} is an MCC only if discharged alive; the patient expired`, code: shown })
      continue
    }
    trace.push({ step: "severity", decision: `${shown} is ${attrs.level === "MCC" ? "an MCC" : "a CC"}`, code: shown })
    severity = maxSeverity(severity, attrs.level)
  }
  trace.push({ step: "severity", decision: `case severity: ${severity === "none" ? "no CC/MCC" : severity}` })
  return { severity, trace }
}
