/**
 * Step 1 of the algorithm: check and normalize a case (codes, age, sex, status).
 * Never throws: anything unusable becomes an error message.
 */
import type { GrouperInput, Sex, TraceStep } from "@sapphire-rl/spec"
import type { Tables } from "../tables/types.ts"
import { dotted, isDiagnosisShape, isProcedureShape, normalizeCode } from "./codes.ts"

/** A secondary diagnosis with its POA indicator (undefined = not reported). */
export interface SdxWithPoa {
  readonly code: string
  readonly poa: string | undefined
}

/** A checked case, or why it cannot be grouped. */
export type NormalizedInput =
  | {
    readonly ok: true
    readonly pdx: string
    readonly sdx: ReadonlyArray<SdxWithPoa>
    readonly procedures: ReadonlyArray<string>
    readonly age: number
    readonly sex: Sex
    readonly status: string
    readonly unknownCodes: ReadonlyArray<string>
    readonly trace: ReadonlyArray<TraceStep>
  }
  | { readonly ok: false; readonly error: string; readonly unknownCodes: ReadonlyArray<string> }

const SEXES: ReadonlySet<string> = new Set(["M", "F", "U"])

const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

/** Normalizes a discharge status: numbers and one-digit strings are zero-padded. */
export const normalizeStatus = (value: unknown): string | undefined => {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < 100) {
    return String(value).padStart(2, "0")
  }
  if (typeof value === "string" && /^\s*\d{1,2}\s*$/.test(value)) return value.trim().padStart(2, "0")
  return undefined
}

// Which POA of a duplicated SDX wins: present on admission first, then clinically
// undetermined, exempt and unreported (all count as present), then N and U last.
const POA_RANK: Readonly<Record<string, number>> = { Y: 0, W: 1, "1": 2, N: 4, U: 5 }
const poaRank = (poa: string | undefined): number => (poa === undefined ? 3 : POA_RANK[poa] ?? 3)

/** Checks a case against the tables; see GROUPER_SPEC.md step 1. */
export const normalizeInput = (tables: Tables, input: GrouperInput): NormalizedInput => {
  const trace: Array<TraceStep> = []
  const unknown: Array<string> = []
  const raw = (input ?? {}) as Partial<Record<keyof GrouperInput, unknown>>
  if (typeof raw.pdx !== "string" || raw.pdx.trim() === "") {
    return { ok: false, error: "principal diagnosis missing", unknownCodes: unknown }
  }
  const pdx = normalizeCode(raw.pdx)
  if (!isDiagnosisShape(pdx)) {
    return { ok: false, error: `principal diagnosis ${JSON.stringify(raw.pdx)} is not an ICD-10-CM code`, unknownCodes: [pdx] }
  }
  const pdxAttrs = tables.diagnoses.get(pdx)
  if (pdxAttrs === undefined || pdxAttrs.mdc === null || pdxAttrs.family === null) {
    return {
      ok: false,
      error: pdxAttrs === undefined
        ? `principal diagnosis ${dotted(pdx)} is not in the loaded tables (${tables.source})`
        : `principal diagnosis ${dotted(pdx)} has no MDC as principal diagnosis in the loaded tables (${tables.source})`,
      unknownCodes: [pdx]
    }
  }
  const age = raw.age
  if (typeof age !== "number" || !Number.isInteger(age) || age < 0 || age > 124) {
    return { ok: false, error: `age ${JSON.stringify(age)} is not a whole number of years 0-124`, unknownCodes: unknown }
  }
  const status = normalizeStatus(raw.dischargeStatus)
  if (status === undefined || !tables.validStatuses.has(status)) {
    return { ok: false, error: `discharge status ${JSON.stringify(raw.dischargeStatus)} is not a UB-04 status`, unknownCodes: unknown }
  }
  let sex: Sex = "U"
  if (typeof raw.sex === "string" && SEXES.has(raw.sex)) sex = raw.sex as Sex
  else trace.push({ step: "validate", decision: `sex ${JSON.stringify(raw.sex)} read as unknown` })

  const sdx: Array<SdxWithPoa> = []
  const seen = new Set<string>([pdx])
  for (const item of asArray(raw.sdx)) {
    const code = typeof item === "string"
      ? item
      : typeof item === "object" && item !== null && typeof (item as { code?: unknown }).code === "string"
      ? (item as { code: string }).code
      : undefined
    if (code === undefined) {
      trace.push({ step: "validate", decision: `secondary diagnosis ${JSON.stringify(item)} ignored: no code` })
      continue
    }
    const norm = normalizeCode(code)
    // An empty slot (a blank claim field) is not a code the tables could lack.
    if (norm === "") {
      trace.push({ step: "validate", decision: "blank secondary diagnosis ignored" })
      continue
    }
    if (!isDiagnosisShape(norm)) {
      trace.push({ step: "validate", decision: `secondary diagnosis ${JSON.stringify(code)} ignored: not an ICD-10-CM code` })
      unknown.push(norm)
      continue
    }
    if (norm === pdx) {
      trace.push({ step: "validate", decision: `${dotted(norm)} repeats the PDX as SDX: ignored`, code: dotted(norm) })
      continue
    }
    const poaRaw = typeof item === "object" && item !== null ? (item as { poa?: unknown }).poa : undefined
    const poa = typeof poaRaw === "string" ? poaRaw.trim().toUpperCase() : undefined
    if (seen.has(norm)) {
      // The same code reported twice: POA is per occurrence, and an occurrence present on
      // admission (or not reported as absent) keeps the condition a CC/MCC, so the code is
      // HAC-excluded only when every occurrence is N or U. Merging by rank keeps this
      // independent of the order the occurrences come in.
      const at = sdx.findIndex((s) => s.code === norm)
      const kept = sdx[at]
      if (kept !== undefined && kept.poa !== poa) {
        const merged = poaRank(poa) < poaRank(kept.poa) ? poa : kept.poa
        sdx[at] = { code: norm, poa: merged }
        trace.push({
          step: "validate",
          decision: `${dotted(norm)} reported twice with POA ${kept.poa ?? "unreported"} and ${poa ?? "unreported"}: ` +
            `read as POA=${merged ?? "unreported"} (HAC-excluded only when every occurrence is N or U)`,
          code: dotted(norm)
        })
      }
      continue
    }
    seen.add(norm)
    if (!tables.diagnoses.has(norm)) unknown.push(norm)
    sdx.push({ code: norm, poa })
  }

  const procedures: Array<string> = []
  for (const item of asArray(raw.procedures)) {
    if (typeof item !== "string") {
      trace.push({ step: "validate", decision: `procedure ${JSON.stringify(item)} ignored: not a string` })
      continue
    }
    const norm = normalizeCode(item)
    if (norm === "") {
      trace.push({ step: "validate", decision: "blank procedure ignored" })
      continue
    }
    if (!isProcedureShape(norm)) {
      trace.push({ step: "validate", decision: `procedure ${JSON.stringify(item)} ignored: not an ICD-10-PCS code` })
      unknown.push(norm)
      continue
    }
    if (procedures.includes(norm)) continue
    if (!tables.procedures.has(norm)) {
      unknown.push(norm)
      trace.push({ step: "validate", decision: `procedure ${norm} is not in the loaded tables: treated as non-O.R.`, code: norm })
    }
    procedures.push(norm)
  }
  return { ok: true, pdx, sdx, procedures, age, sex, status, unknownCodes: unknown, trace }
}
