/**
 * The generator's own vocabulary: for every diagnosis and procedure of the built-in tables,
 * its facts (description, MDC, CC/MCC level, O.R. status) and the words a note uses for it.
 */
import { DIAGNOSIS_FACTS, PROCEDURE_FACTS } from "./vocabulary/codeFacts.ts"
import { DIAGNOSIS_TERMS } from "./vocabulary/diagnosisTerms.ts"
import { PROCEDURE_TERMS } from "./vocabulary/procedureTerms.ts"

/** CC/MCC level of a diagnosis when it is secondary (before PDX exclusions). */
export type CcLevel = "MCC" | "CC" | "none"

/** A diagnosis code with its note vocabulary. */
export interface DiagnosisVocab {
  /** Dotted ICD-10-CM code, as notes and records show it. */
  readonly code: string
  readonly description: string
  /** MDC as principal diagnosis ("01" … "25"), or null when the table does not use it as PDX. */
  readonly mdc: string | null
  readonly level: CcLevel
  readonly asPdx: boolean
  readonly asSdx: boolean
  /** The DRG range the seed table expects for it as PDX without procedures ("870-872"), or null. */
  readonly drgRange: string | null
  /** Names a note may use; a mention of the code always contains one of them. */
  readonly terms: ReadonlyArray<string>
  /** Supporting findings or treatment. */
  readonly details: ReadonlyArray<string>
}

/** A procedure code with its note vocabulary. */
export interface ProcedureVocab {
  /** ICD-10-PCS code (7 characters). */
  readonly code: string
  readonly description: string
  readonly orStatus: string
  readonly terms: ReadonlyArray<string>
  readonly details: ReadonlyArray<string>
}

const parseTerms = (text: string): Map<string, { terms: Array<string>; details: Array<string> }> => {
  const out = new Map<string, { terms: Array<string>; details: Array<string> }>()
  for (const raw of text.split("\n")) {
    const line = raw.trim()
    if (line === "") continue
    const [code = "", terms = "", details = ""] = line.split("|").map((s) => s.trim())
    const split = (s: string) => s.split(";").map((t) => t.trim()).filter((t) => t !== "")
    if (out.has(code)) throw new Error(`vocabulary: duplicate terms for ${code}`)
    out.set(code, { terms: split(terms), details: split(details) })
  }
  return out
}

const dxTerms = parseTerms(DIAGNOSIS_TERMS)
const pcsTerms = parseTerms(PROCEDURE_TERMS)

/** Every diagnosis of the built-in tables, keyed by dotted code. */
export const DIAGNOSES: ReadonlyMap<string, DiagnosisVocab> = new Map(
  DIAGNOSIS_FACTS.map(([code, description, mdc, level, asPdx, asSdx, range]) => {
    const words = dxTerms.get(code)
    return [code, {
      code,
      description,
      mdc: mdc === "" ? null : mdc,
      level,
      asPdx,
      asSdx,
      drgRange: range === "" ? null : range,
      terms: words?.terms ?? [],
      details: words?.details ?? []
    }]
  })
)

/** Every procedure of the built-in tables, keyed by code. */
export const PROCEDURES: ReadonlyMap<string, ProcedureVocab> = new Map(
  PROCEDURE_FACTS.map(([code, description, orStatus]) => {
    const words = pcsTerms.get(code)
    return [code, { code, description, orStatus, terms: words?.terms ?? [], details: words?.details ?? [] }]
  })
)

/** Codes that have terms but no facts, or facts but no terms (empty when the tables are consistent). */
export const vocabularyGaps = (): ReadonlyArray<string> => {
  const gaps: Array<string> = []
  for (const [code, v] of DIAGNOSES) if (v.terms.length === 0) gaps.push(`${code}: no terms`)
  for (const [code, v] of PROCEDURES) if (v.terms.length === 0) gaps.push(`${code}: no terms`)
  for (const code of dxTerms.keys()) if (!DIAGNOSES.has(code)) gaps.push(`${code}: terms without facts`)
  for (const code of pcsTerms.keys()) if (!PROCEDURES.has(code)) gaps.push(`${code}: terms without facts`)
  return gaps
}

/** Strips the dot and upper-cases, as grouper tables spell codes. */
export const undot = (code: string): string => code.replace(/\./g, "").toUpperCase()

/** A number placeholder of a term or detail, `{a-b}` (integers) or `{a.b-c.d}` (one decimal), with its bounds captured. */
export const PLACEHOLDER = /\{(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\}/g

/** A case-insensitive pattern matching a term as rendered (placeholders match any number). */
export const termPattern = (term: string): RegExp => {
  const parts = term.split(PLACEHOLDER)
  // split with two capture groups yields [text, lo, hi, text, lo, hi, text …]
  let source = ""
  for (let i = 0; i < parts.length; i += 3) {
    source += (parts[i] ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    if (i + 1 < parts.length) source += "\\d+(?:\\.\\d+)?"
  }
  return new RegExp(source, "i")
}

/** The terms of a diagnosis or procedure code (empty for an unknown code). */
export const termsOf = (code: string): ReadonlyArray<string> =>
  DIAGNOSES.get(code)?.terms ?? PROCEDURES.get(code)?.terms ?? []

/** True when the text names the code with one of its terms. */
export const hasEvidence = (text: string, code: string): boolean =>
  termsOf(code).some((term) => termPattern(term).test(text))
