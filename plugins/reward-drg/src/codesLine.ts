/**
 * The structured line on which a completion states the codes behind its answer.
 *
 * @since 0.1.0
 */
import type { GrouperInput, Sex } from "@sapphire-rl/spec"

/**
 * Defaults for what a codes line may leave out: the grouper needs age, sex and discharge
 * status, which the note (not the answer) carries.
 *
 * @since 0.1.0
 * @category constants
 */
export const CODES_LINE_DEFAULTS = { age: 65, sex: "U" as Sex, dischargeStatus: "01" } as const

/**
 * A codes line read from a completion.
 *
 * @since 0.1.0
 * @category models
 */
export type CodesLine =
  | { readonly ok: true; readonly input: GrouperInput }
  | { readonly ok: false; readonly reason: string }

const LINE = /^[ \t]*codes[ \t]*:(.*)$/gim
// ICD-10-CM (A41.51, A4151) and ICD-10-PCS (0BH17EZ) shapes; the grouper judges whether the code exists.
const CODE = /^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$|^[0-9A-Z]{7}$/

const codeList = (value: string, key: string): ReadonlyArray<string> | string => {
  const codes = value.split(",").map((c) => c.trim().toUpperCase()).filter((c) => c !== "")
  const bad = codes.find((c) => !CODE.test(c))
  return bad === undefined ? codes : `${key}: ${JSON.stringify(bad)} is not a code`
}

/**
 * Reads the last line of `text` that starts with `Codes:` (any case), written as
 * `Codes: PDX=J96.01; SDX=E11.00,N17.9; PROC=0BH17EZ; AGE=70; SEX=F; DISP=01`.
 * `PDX` is required; `SDX` and `PROC` are comma-separated lists (may be empty or absent);
 * `AGE` (0-124), `SEX` (M/F/U) and `DISP` (two-digit discharge status) default to
 * `CODES_LINE_DEFAULTS`. Keys may come in any order and any case. `undefined` when the text
 * has no such line; `{ ok: false, reason }` when the line is malformed.
 *
 * @since 0.1.0
 * @category parsing
 */
export const readCodesLine = (text: string): CodesLine | undefined => {
  let last: string | undefined
  for (const m of text.matchAll(LINE)) last = m[1]!
  if (last === undefined) return undefined
  const fields = new Map<string, string>()
  for (const part of last.split(";")) {
    if (part.trim() === "") continue
    const eq = part.indexOf("=")
    if (eq < 0) return { ok: false, reason: `${JSON.stringify(part.trim())} is not KEY=VALUE` }
    const key = part.slice(0, eq).trim().toUpperCase()
    if (!["PDX", "SDX", "PROC", "AGE", "SEX", "DISP"].includes(key)) return { ok: false, reason: `unknown key ${JSON.stringify(key)}` }
    if (fields.has(key)) return { ok: false, reason: `${key} given twice` }
    fields.set(key, part.slice(eq + 1).trim())
  }
  const pdx = (fields.get("PDX") ?? "").toUpperCase()
  if (pdx === "") return { ok: false, reason: "PDX is missing" }
  if (!CODE.test(pdx)) return { ok: false, reason: `PDX: ${JSON.stringify(pdx)} is not a code` }
  const sdx = codeList(fields.get("SDX") ?? "", "SDX")
  if (typeof sdx === "string") return { ok: false, reason: sdx }
  const procedures = codeList(fields.get("PROC") ?? "", "PROC")
  if (typeof procedures === "string") return { ok: false, reason: procedures }
  const ageText = fields.get("AGE")
  const age = ageText === undefined ? CODES_LINE_DEFAULTS.age : /^\d{1,3}$/.test(ageText) ? Number(ageText) : Number.NaN
  if (!(age >= 0 && age <= 124)) return { ok: false, reason: `AGE: expected an integer 0-124, got ${JSON.stringify(ageText)}` }
  const sexText = (fields.get("SEX") ?? CODES_LINE_DEFAULTS.sex).toUpperCase()
  if (sexText !== "M" && sexText !== "F" && sexText !== "U") return { ok: false, reason: `SEX: expected M | F | U, got ${JSON.stringify(sexText)}` }
  const dischargeStatus = fields.get("DISP") ?? CODES_LINE_DEFAULTS.dischargeStatus
  if (!/^\d{2}$/.test(dischargeStatus)) return { ok: false, reason: `DISP: expected two digits, got ${JSON.stringify(dischargeStatus)}` }
  return { ok: true, input: { pdx, sdx, procedures, age, sex: sexText, dischargeStatus } }
}
