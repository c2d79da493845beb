/**
 * Rationales for SFT completions of synthetic cases, written from the grouper's result and
 * trace: principal diagnosis → MDC → medical or surgical → CC/MCC evidence → DRG. Three
 * orders: CoT-first (reasoning, then the answer), answer-first (the answer in the first
 * sentence, then the reasons) and differential (three candidate DRGs weighed, then a choice).
 */
import type { DrgEntry, GrouperResult, LabelSpace, SeverityTier } from "@sapphire-rl/spec"
import { MDC_NAMES } from "./Mdc.ts"
import { completion } from "./Prompt.ts"
import type { DrgRecord } from "./Record.ts"
import { DIAGNOSES, PROCEDURES, undot } from "./Vocabulary.ts"

/** Order of the reasoning. */
export type RationaleStyle = "cot-first" | "answer-first" | "differential"

/** All styles. */
export const RATIONALE_STYLES: ReadonlyArray<RationaleStyle> = ["cot-first", "answer-first", "differential"]

const nameOf = (code: string): string => {
  const dx = DIAGNOSES.get(code)
  if (dx !== undefined) return `${dx.terms[0] ?? dx.description} (${dx.description.replace(/ \(FY2017 code\)| \(new FY2017\)/, "")})`
  const pcs = PROCEDURES.get(code)
  if (pcs !== undefined) return pcs.description.toLowerCase()
  return "a coded condition"
}

const sameCode = (a: string, b: string) => undot(a) === undot(b)

const tierWords: Record<SeverityTier, string> = {
  MCC: "with MCC",
  CC: "with CC",
  "CC-or-MCC": "with CC or MCC",
  "without-MCC": "without MCC",
  "without-CC-MCC": "without CC or MCC",
  none: "without a severity split"
}

/** The reasoning steps, one sentence each, in CoT order (the last names the answer). */
export const rationaleSteps = (record: DrgRecord, result: GrouperResult): ReadonlyArray<string> => {
  const steps: Array<string> = []
  steps.push(`The condition chiefly responsible for this admission, the principal diagnosis, is ${nameOf(record.pdx)}.`)
  if (result.mdc !== null) {
    steps.push(`As principal diagnosis it falls in MDC ${result.mdc}, ${MDC_NAMES[result.mdc] ?? "its major diagnostic category"}.`)
  } else {
    steps.push("The stay is assigned before or outside the major diagnostic categories (pre-MDC or an unrelated operating room procedure).")
  }
  const orProcedures = record.procedures.filter((p) => PROCEDURES.get(p)?.orStatus === "O.R.")
  const otherProcedures = record.procedures.filter((p) => !orProcedures.includes(p))
  if (result.type === "surgical") {
    const names = orProcedures.length > 0 ? orProcedures : record.procedures
    steps.push(`The stay includes ${names.map(nameOf).join(" and ")}, which makes it surgical, so the DRG comes from the procedure's group: ${result.family}.`)
  } else {
    const nonOr = otherProcedures.length > 0 ? ` (${otherProcedures.map(nameOf).join(", ")} ${otherProcedures.length > 1 ? "are" : "is"} not an operating room procedure)` : ""
    steps.push(`No operating room procedure decides the group${nonOr}, so the medical DRG for this diagnosis applies: ${result.family}.`)
  }
  const traceDrivers = result.trace.filter((t) => t.step === "severity" && t.code !== undefined).map((t) => t.code as string)
  const drivers = record.sdx.filter((s) => traceDrivers.some((c) => sameCode(c, s)))
  const named = result.severity === "none"
    ? []
    : drivers.length > 0 ? drivers : record.sdx.filter((s) => DIAGNOSES.get(s)?.level === result.severity)
  const others = record.sdx.filter((s) => !named.includes(s))
  if (result.severity !== "none") {
    steps.push(`Among the secondary diagnoses, ${named.length > 0 ? named.map(nameOf).join(" and ") : "the documented complications"} ${named.length > 1 ? "qualify" : "qualifies"} as ${result.severity === "MCC" ? "a major complication or comorbidity (MCC)" : "a complication or comorbidity (CC)"}.`)
  } else if (record.sdx.length > 0) {
    steps.push(`None of the secondary diagnoses (${record.sdx.map(nameOf).join(", ")}) counts as a CC or MCC for this case.`)
  } else {
    steps.push("No secondary diagnosis is documented that would count as a CC or MCC.")
  }
  if (record.dischargeStatus === "20") steps.push("The patient died during the stay, which matters for conditions that count as MCC only when the patient is discharged alive.")
  if (record.dischargeStatus === "07") steps.push("The patient left against medical advice.")
  if (others.length > 0 && result.severity !== "none") {
    steps.push(`The other secondary diagnoses (${others.map(nameOf).join(", ")}) do not change the result.`)
  }
  if (result.tier === "none") {
    steps.push(`This group has no severity split, so the DRG is ${result.title}.`)
    return steps
  }
  steps.push(`The group splits by severity so that this case is ${tierWords[result.tier]}, which gives ${result.title}.`)
  return steps
}

/** Three candidate DRGs for a differential: the gold, its family's other tiers, a neighbouring family. */
export const differentialCandidates = (labelSpace: LabelSpace, drg: number): ReadonlyArray<DrgEntry> => {
  const gold = labelSpace.get(drg)
  if (gold === undefined) return []
  const family = labelSpace.families.find((f) => f.id === gold.familyId)
  const siblings = (family?.drgs ?? []).filter((d) => d !== drg).flatMap((d) => labelSpace.get(d) ?? [])
  const neighbours = labelSpace.families
    .filter((f) => f.id !== gold.familyId && f.mdc === gold.mdc)
    .sort((a, b) => Math.abs(a.id - gold.familyId) - Math.abs(b.id - gold.familyId))
    .flatMap((f) => f.drgs.flatMap((d) => labelSpace.get(d) ?? []))
    .sort((a, b) => Number(b.tier === gold.tier) - Number(a.tier === gold.tier))
  const out: Array<DrgEntry> = [gold]
  for (const e of [...siblings, ...neighbours]) {
    if (out.length >= 3) break
    if (!out.some((o) => o.drg === e.drg)) out.push(e)
  }
  return out
}

const rejectReason = (candidate: DrgEntry, gold: DrgEntry, result: GrouperResult): string =>
  candidate.familyId === gold.familyId
    ? `${candidate.title} would need the case to be ${tierWords[candidate.tier]}, but the documented severity is ${result.severity === "none" ? "no CC or MCC" : result.severity}.`
    : `${candidate.title} belongs to a different group (${candidate.family}), which does not match the principal diagnosis and procedures.`

/** The think text of a synthetic case in the given style. */
export const rationale = (
  style: RationaleStyle,
  record: DrgRecord,
  result: GrouperResult,
  labelSpace?: LabelSpace
): string => {
  const steps = rationaleSteps(record, result)
  if (style === "cot-first") return steps.join(" ")
  if (style === "answer-first") {
    return [`The most likely MS-DRG is ${result.title}.`, ...steps.slice(0, -1), "That confirms the answer."].join(" ")
  }
  const gold = labelSpace?.get(result.drg)
  const candidates = labelSpace === undefined ? [] : differentialCandidates(labelSpace, result.drg)
  if (gold === undefined || candidates.length < 2) return steps.join(" ")
  // Candidates in a stable order that does not give the answer away by position.
  const listed = [...candidates].sort((a, b) => a.drg - b.drg)
  const weighed = listed.filter((c) => c.drg !== gold.drg).map((c) => rejectReason(c, gold, result))
  return [
    `Three candidate DRGs fit this summary: ${listed.map((c) => c.title).join("; ")}.`,
    ...steps.slice(0, -1),
    ...weighed,
    `Weighing these, the best match is ${result.title}.`
  ].join(" ")
}

/** An SFT completion for a synthetic case. */
export const sftCompletion = (style: RationaleStyle, record: DrgRecord, result: GrouperResult, labelSpace?: LabelSpace): string =>
  completion(rationale(style, record, result, labelSpace), result.title)
