/**
 * Reads one JSON Lines case for `msdrg group`, accepting the spellings hospital extracts
 * use (sex M/F/U, male/female, 1/2/0; status "07" or 7; SDX as strings or {code, poa}) and
 * the records `sapphire-data synth` writes (`poaN` lists the SDX not present on admission;
 * the note and gold label fields are read and not used for grouping, except `drg`, which the
 * result echoes as `expected`). Any other field is an error, so a misspelt field name cannot
 * silently change a DRG.
 */
import type { GrouperInput, SecondaryDiagnosis, Sex } from "@sapphire-rl/spec"
import { normalizeStatus } from "../grouper/normalizeInput.ts"

/** A parsed line: the case, its id and the record's own DRG if it has one, or why the line is unusable. */
export type ParsedCase =
  | { readonly ok: true; readonly id: unknown; readonly input: GrouperInput; readonly expected?: unknown }
  | { readonly ok: false; readonly error: string }

/** Fields of a case that grouping reads. */
export const CASE_FIELDS: ReadonlyArray<string> = ["id", "pdx", "sdx", "poaN", "procedures", "age", "sex", "dischargeStatus"]

/** Fields of a `sapphire-data` record that grouping does not read (note, gold label, difficulty). */
export const RECORD_FIELDS: ReadonlyArray<string> = ["text", "drg", "title", "family", "tier", "difficulty"]

const ACCEPTED: ReadonlySet<string> = new Set([...CASE_FIELDS, ...RECORD_FIELDS])

const SEX_WORDS: Readonly<Record<string, Sex>> = {
  M: "M", MALE: "M", "1": "M",
  F: "F", FEMALE: "F", "2": "F",
  U: "U", UNKNOWN: "U", "0": "U"
}

/** Reads a sex in any accepted spelling; undefined if none matches. */
export const parseSex = (value: unknown): Sex | undefined =>
  typeof value === "number" || typeof value === "string" ? SEX_WORDS[String(value).trim().toUpperCase()] : undefined

const POA = new Set(["Y", "N", "U", "W", "1"])

const parseSdx = (
  value: unknown,
  i: number
): { readonly ok: true; readonly sdx: SecondaryDiagnosis } | { readonly ok: false; readonly error: string } => {
  if (typeof value === "string") return { ok: true, sdx: value }
  if (typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "string") {
    const { code, poa } = value as { code: string; poa?: unknown }
    if (poa === undefined || poa === null || poa === "") return { ok: true, sdx: { code } }
    const p = String(poa).trim().toUpperCase()
    if (!POA.has(p)) return { ok: false, error: `sdx[${i}]: poa must be one of Y, N, U, W, 1` }
    return { ok: true, sdx: { code, poa: p as "Y" | "N" | "U" | "W" | "1" } }
  }
  return { ok: false, error: `sdx[${i}] must be a code string or {"code", "poa"}` }
}

/** Parses one line of `msdrg group` input. */
export const parseCaseLine = (line: string): ParsedCase => {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (e) {
    return { ok: false, error: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: "a case must be a JSON object" }
  }
  const o = value as Record<string, unknown>
  const unknownFields = Object.keys(o).filter((k) => !ACCEPTED.has(k))
  if (unknownFields.length > 0) {
    return {
      ok: false,
      error: `unknown field${unknownFields.length > 1 ? "s" : ""} ${unknownFields.map((f) => JSON.stringify(f)).join(", ")}; ` +
        `accepted: ${CASE_FIELDS.join(", ")} (and a data record's ${RECORD_FIELDS.join(", ")}, not used for grouping)`
    }
  }
  if (typeof o["pdx"] !== "string") return { ok: false, error: "pdx must be a string" }
  const sdxRaw = o["sdx"] ?? []
  if (!Array.isArray(sdxRaw)) return { ok: false, error: "sdx must be an array" }
  const sdx: Array<SecondaryDiagnosis> = []
  for (const [i, item] of sdxRaw.entries()) {
    const parsed = parseSdx(item, i)
    if (!parsed.ok) return parsed
    sdx.push(parsed.sdx)
  }
  const poaN = o["poaN"] ?? []
  if (!Array.isArray(poaN) || !poaN.every((c) => typeof c === "string")) {
    return { ok: false, error: "poaN must be an array of code strings (the SDX not present on admission)" }
  }
  const key = (code: string) => code.replace(/\./g, "").trim().toUpperCase()
  for (const code of poaN as ReadonlyArray<string>) {
    const matches = sdx.filter((d) => key(typeof d === "string" ? d : d.code) === key(code))
    if (matches.length === 0) return { ok: false, error: `poaN code ${JSON.stringify(code)} is not among the sdx` }
    const conflicting = matches.find((d) => typeof d !== "string" && d.poa !== undefined && d.poa !== "N")
    if (conflicting !== undefined && typeof conflicting !== "string") {
      return { ok: false, error: `poaN lists ${JSON.stringify(code)} but its sdx item says poa ${JSON.stringify(conflicting.poa)}` }
    }
  }
  const notPresent = new Set((poaN as ReadonlyArray<string>).map(key))
  const sdxWithPoa = sdx.map((d): SecondaryDiagnosis => {
    const code = typeof d === "string" ? d : d.code
    return notPresent.has(key(code)) ? { code, poa: "N" } : d
  })
  const procRaw = o["procedures"] ?? []
  if (!Array.isArray(procRaw) || !procRaw.every((p) => typeof p === "string")) {
    return { ok: false, error: "procedures must be an array of code strings" }
  }
  const age = typeof o["age"] === "string" && /^\s*\d+\s*$/.test(o["age"]) ? Number(o["age"]) : o["age"]
  if (typeof age !== "number") return { ok: false, error: "age must be a number" }
  const sex = parseSex(o["sex"] ?? "U")
  if (sex === undefined) return { ok: false, error: `sex ${JSON.stringify(o["sex"])} is not M/F/U, male/female or 1/2/0` }
  const status = normalizeStatus(o["dischargeStatus"])
  if (status === undefined) {
    return { ok: false, error: `dischargeStatus ${JSON.stringify(o["dischargeStatus"])} must be a two-digit code like "07" or a number` }
  }
  return {
    ok: true,
    id: o["id"] ?? null,
    input: { pdx: o["pdx"], sdx: sdxWithPoa, procedures: procRaw as Array<string>, age, sex, dischargeStatus: status },
    ...(o["drg"] === undefined ? {} : { expected: o["drg"] })
  }
}
