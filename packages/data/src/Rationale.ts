/**
 * Rationales for SFT completions of synthetic cases, written from the grouper's result and
 * trace: principal diagnosis → MDC → medical or surgical → CC/MCC evidence → DRG. Three
 * orders: CoT-first (reasoning, then the answer), answer-first (the answer in the first
 * sentence, then the reasons) and differential (three candidate DRGs weighed, then a choice).
 */
import type { DrgEntry, GrouperResult, LabelSpace, SeverityTier } from "@sapphire-rl/spec"
import { capitalize } from "./Capitalize.ts"
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

const codesIn = (record: DrgRecord, code: string | undefined): ReadonlyArray<string> =>
  code === undefined ? [] : [record.pdx, ...record.sdx, ...record.procedures].filter((c) => sameCode(c, code))

/** The reasoning steps, one sentence each, in CoT order (the last names the answer). */
export const rationaleSteps = (record: DrgRecord, result: GrouperResult): ReadonlyArray<string> => {
  const steps: Array<string> = []
  const trace = result.trace
  steps.push(`The condition chiefly responsible for this admission, the principal diagnosis, is ${nameOf(record.pdx)}.`)
  const preMdc = trace.find((t) => t.step === "pre-mdc" && t.code !== undefined)
  if (result.mdc !== null) {
    steps.push(`As principal diagnosis it falls in MDC ${result.mdc}, ${MDC_NAMES[result.mdc] ?? "its major diagnostic category"}.`)
  } else if (preMdc !== undefined) {
    const proc = codesIn(record, preMdc.code)[0]
    steps.push(`Before the major diagnostic categories are considered, ${proc === undefined ? "a pre-MDC procedure" : nameOf(proc)} assigns the stay to a pre-MDC group.`)
  }
  const unrelated = trace.find((t) => t.step === "unrelated-or")
  const surgicalCode = trace.find((t) => (t.step === "surgical-class" || t.step === "partition") && t.code !== undefined)?.code
  const otherProcedures = record.procedures.filter((p) => PROCEDURES.get(p)?.orStatus !== "O.R.")
  if (unrelated !== undefined) {
    const proc = codesIn(record, unrelated.code)[0]
    steps.push(`The stay includes ${proc === undefined ? "an operating room procedure" : nameOf(proc)}, an operating room procedure unrelated to the principal diagnosis, so the DRG comes from ${result.family}.`)
  } else if (result.type === "surgical" && preMdc === undefined) {
    const proc = codesIn(record, surgicalCode)[0]
    const names = proc !== undefined ? [proc] : record.procedures.filter((p) => PROCEDURES.get(p)?.orStatus === "O.R.")
    steps.push(`The stay includes ${names.length > 0 ? names.map(nameOf).join(" and ") : "an operating room procedure"}, which makes it surgical, so the DRG comes from the procedure's group: ${result.family}.`)
  } else if (result.type === "surgical") {
    steps.push(`The group is ${result.family}.`)
  } else {
    const nonOr = otherProcedures.length > 0 ? ` (${otherProcedures.map(nameOf).join(", ")} ${otherProcedures.length > 1 ? "are" : "is"} not an operating room procedure)` : ""
    steps.push(`No operating room procedure decides the group${nonOr}, so the medical DRG for this diagnosis applies: ${result.family}.`)
  }
  if (result.tier === "none") {
    // An unsplit group: secondary diagnoses cannot change the DRG, whatever their level.
    if (record.sdx.length > 0) steps.push(`This group has no CC/MCC split, so the secondary diagnoses (${record.sdx.map(nameOf).join(", ")}) do not change the DRG.`)
  } else {
    // Severity as the grouper decided it: counted codes, exclusions and alive-only MCCs.
    const severitySteps = trace.filter((t) => t.step === "severity" && t.code !== undefined)
    const counted = (level: "MCC" | "CC") =>
      severitySteps.filter((t) => new RegExp(`is an? ${level}$`).test(t.decision)).flatMap((t) => codesIn(record, t.code))
    const excluded = severitySteps.filter((t) => /excluded with PDX/.test(t.decision)).flatMap((t) => codesIn(record, t.code))
    const aliveOnly = severitySteps.filter((t) => /only if discharged alive/.test(t.decision)).flatMap((t) => codesIn(record, t.code))
    const mccs = counted("MCC"), ccs = counted("CC")
    const fallback = result.severity !== "none" && mccs.length + ccs.length === 0
      ? record.sdx.filter((s) => DIAGNOSES.get(s)?.level === result.severity)
      : []
    if (mccs.length > 0) steps.push(`Among the secondary diagnoses, ${mccs.map(nameOf).join(" and ")} ${mccs.length > 1 ? "qualify" : "qualifies"} as a major complication or comorbidity (MCC).`)
    if (ccs.length > 0) steps.push(`${ccs.map(nameOf).join(" and ")} ${ccs.length > 1 ? "are" : "is"} a complication or comorbidity (CC).`)
    for (const code of excluded) steps.push(`${nameOf(code)} would be a CC or MCC, but it is excluded with this principal diagnosis.`)
    const hac = trace.filter((t) => t.step === "hac" && t.code !== undefined).flatMap((t) => codesIn(record, t.code))
    for (const code of hac) steps.push(`${nameOf(code)} arose during the stay (not present on admission) and is a hospital-acquired condition, so it does not count for the final DRG.`)
    for (const code of aliveOnly) steps.push(`${nameOf(code)} counts as an MCC only when the patient is discharged alive; this patient died, so it does not count.`)
    if (result.severity !== "none" && mccs.length + ccs.length === 0) {
      const level = result.severity === "MCC" ? "a major complication or comorbidity (MCC)" : "a complication or comorbidity (CC)"
      steps.push(`Among the secondary diagnoses, ${fallback.length > 0 ? fallback.map(nameOf).join(" and ") : "the documented complications"} ${fallback.length > 1 ? "qualify" : "qualifies"} as ${level}.`)
    }
    const explained = new Set([...mccs, ...ccs, ...excluded, ...aliveOnly, ...fallback, ...hac])
    const rest = record.sdx.filter((s) => !explained.has(s))
    if (result.severity === "none" && rest.length > 0 && explained.size === 0) {
      steps.push(`None of the secondary diagnoses (${rest.map(nameOf).join(", ")}) counts as a CC or MCC.`)
    } else if (rest.length > 0) {
      steps.push(`The other secondary diagnoses (${rest.map(nameOf).join(", ")}) are neither CC nor MCC.`)
    } else if (record.sdx.length === 0) {
      steps.push("No secondary diagnosis is documented that would count as a CC or MCC.")
    }
  }
  if (record.dischargeStatus === "07") steps.push("The patient left against medical advice, which the grouper also reads.")
  if (result.tier === "none") {
    steps.push(`So the DRG is ${result.title}.`)
    return steps
  }
  steps.push(`With case severity ${result.severity === "none" ? "below CC" : result.severity}, the group's split makes this case ${tierWords[result.tier]}, which gives ${result.title}.`)
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

/** The sentence an answer-first rationale opens with, naming the DRG before any reason. */
export const answerFirstLead = (title: string): string => `The most likely MS-DRG is ${title}.`

/** The think text of a synthetic case in the given style. */
export const rationale = (
  style: RationaleStyle,
  record: DrgRecord,
  result: GrouperResult,
  labelSpace?: LabelSpace
): string => {
  const steps = rationaleSteps(record, result).map(capitalize)
  if (style === "cot-first") return steps.join(" ")
  if (style === "answer-first") {
    return [answerFirstLead(result.title), ...steps.slice(0, -1), "That confirms the answer."].join(" ")
  }
  const gold = labelSpace?.get(result.drg)
  const candidates = labelSpace === undefined ? [] : differentialCandidates(labelSpace, result.drg)
  if (gold === undefined || candidates.length < 2) return steps.join(" ")
  // Candidates in a stable order that does not give the answer away by position.
  const listed = [...candidates].sort((a, b) => a.drg - b.drg)
  const weighed = listed.filter((c) => c.drg !== gold.drg).map((c) => rejectReason(c, gold, result))
  return [
    // Two when the label space has no third candidate (a two-DRG family alone in its MDC).
    `${listed.length === 2 ? "Two" : "Three"} candidate DRGs fit this summary: ${listed.map((c) => c.title).join("; ")}.`,
    ...steps.slice(0, -1),
    ...weighed,
    `Weighing these, the best match is ${result.title}.`
  ].join(" ")
}

/** An SFT completion for a synthetic case. */
export const sftCompletion = (style: RationaleStyle, record: DrgRecord, result: GrouperResult, labelSpace?: LabelSpace): string =>
  completion(rationale(style, record, result, labelSpace), result.title)
