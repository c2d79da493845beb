/**
 * Readers for real-format data (pure: they take the file's text and its name for messages):
 * DRG-LLaMA CSV (`hadm_id, text, drg_34_code, label`), DRG-Sapphire rows (`problem, solution`)
 * and JSONL records. Unknown DRGs are collected in a report, never silently dropped.
 */
import type { DrgEntry, LabelSpace } from "@sapphire-rl/spec"
import { Effect, Result, Schema } from "effect"
import { type CsvParse, type CsvRow, parseCsv } from "./Csv.ts"
import { DataReadError, shown } from "./DataReadError.ts"
import { type DrgRecord, DrgRecordSchema } from "./Record.ts"

/** A row set aside because its DRG (number or title, as `value`) is not in the label space. */
export interface UnknownDrg {
  readonly row: number
  readonly line: number
  readonly value: string
}

/** What a reader skipped, and why. */
export interface ReadReport {
  readonly file: string
  /** Data rows seen (header excluded, blank lines excluded). */
  readonly rows: number
  readonly unknownDrgs: ReadonlyArray<UnknownDrg>
}

/** Records read plus the report. */
export interface ReadResult {
  readonly records: ReadonlyArray<DrgRecord>
  readonly report: ReadReport
}

const csvRows = (file: string, parsed: CsvParse, required: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    if (!parsed.ok) {
      return yield* new DataReadError({
        file, row: -1, line: parsed.issue.line, column: `character ${parsed.issue.column}`,
        expected: "well-formed RFC 4180 CSV", found: parsed.issue.message
      })
    }
    const [header, ...rest] = parsed.rows
    if (header === undefined) {
      return yield* new DataReadError({ file, row: 0, line: 1, column: "", expected: `a header with ${required.join(", ")}`, found: "an empty file" })
    }
    const names = header.fields.map((f) => f.trim())
    const index: Record<string, number> = {}
    for (const name of required) {
      const at = names.indexOf(name)
      if (at < 0) {
        return yield* new DataReadError({ file, row: 0, line: header.line, column: name, expected: `a header column ${JSON.stringify(name)}`, found: `columns ${names.join(", ")}` })
      }
      index[name] = at
    }
    const rows = rest.filter((r) => !(r.fields.length === 1 && r.fields[0] === ""))
    for (const [i, r] of rows.entries()) {
      if (r.fields.length !== names.length) {
        return yield* new DataReadError({ file, row: i + 1, line: r.line, column: "", expected: `${names.length} fields`, found: `${r.fields.length} fields` })
      }
    }
    return { index, rows }
  })

const field = (r: CsvRow, index: Record<string, number>, name: string): string => r.fields[index[name]!] ?? ""

const integerField = (file: string, r: CsvRow, row: number, index: Record<string, number>, name: string) => {
  const raw = field(r, index, name).trim()
  return /^-?\d+$/.test(raw)
    ? Effect.succeed(Number(raw))
    : Effect.fail(new DataReadError({ file, row, line: r.line, column: name, expected: "an integer", found: shown(raw) }))
}

/**
 * Reads DRG-LLaMA CSV (`hadm_id, text, drg_34_code, label`) and joins the title, family and
 * tier from the label space. Rows with a DRG the label space lacks go to the report.
 */
export const readDrgLlamaCsv = (file: string, text: string, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  readDrgLlamaRows(file, parseCsv(text), labelSpace)

/** `readDrgLlamaCsv` over already parsed rows (for incremental parsing of large files). */
export const readDrgLlamaRows = (file: string, parsed: CsvParse, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  Effect.gen(function*() {
    const { index, rows } = yield* csvRows(file, parsed, ["hadm_id", "text", "drg_34_code", "label"])
    const records: Array<DrgRecord> = []
    const unknownDrgs: Array<UnknownDrg> = []
    for (const [i, r] of rows.entries()) {
      const row = i + 1
      const id = field(r, index, "hadm_id").trim()
      if (id === "") return yield* new DataReadError({ file, row, line: r.line, column: "hadm_id", expected: "a non-empty admission id", found: shown(id) })
      const note = field(r, index, "text")
      if (note.trim() === "") return yield* new DataReadError({ file, row, line: r.line, column: "text", expected: "a non-empty note", found: shown(note) })
      const drg = yield* integerField(file, r, row, index, "drg_34_code")
      yield* integerField(file, r, row, index, "label")
      const entry = labelSpace.get(drg)
      if (entry === undefined) {
        unknownDrgs.push({ row, line: r.line, value: String(drg) })
        continue
      }
      records.push(realRecord(id, note, entry))
    }
    return { records, report: { file, rows: rows.length, unknownDrgs } }
  })

// Real data carries no codes or demographics, only the note and the label-space entry.
const realRecord = (id: string, text: string, { drg, title, family, tier }: DrgEntry): DrgRecord => ({
  id, text, pdx: "", sdx: [], procedures: [], age: 0, sex: "U", dischargeStatus: "", drg, title, family, tier, difficulty: "real"
})

// DRG-Sapphire wraps the note in *** … *** inside its prompt.
const noteOfProblem = (problem: string): string => {
  const start = problem.indexOf("***")
  const end = problem.lastIndexOf("***")
  return start >= 0 && end > start ? problem.slice(start + 3, end) : problem
}

/**
 * Reads DRG-Sapphire style CSV (`problem, solution`): the problem holds the prompt with the
 * note between `***`, the solution the DRG title (matched exactly after trim + upper-case).
 */
export const readSapphireCsv = (file: string, text: string, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  readSapphireRows(file, parseCsv(text), labelSpace)

/** `readSapphireCsv` over already parsed rows. */
export const readSapphireRows = (file: string, parsed: CsvParse, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  Effect.gen(function*() {
    const { index, rows } = yield* csvRows(file, parsed, ["problem", "solution"])
    const records: Array<DrgRecord> = []
    const unknownDrgs: Array<UnknownDrg> = []
    for (const [i, r] of rows.entries()) {
      const row = i + 1
      const problem = field(r, index, "problem")
      if (problem.trim() === "") return yield* new DataReadError({ file, row, line: r.line, column: "problem", expected: "a non-empty prompt", found: shown(problem) })
      const solution = field(r, index, "solution")
      const entry = labelSpace.byTitle(solution)
      if (entry === undefined) {
        unknownDrgs.push({ row, line: r.line, value: solution })
        continue
      }
      records.push(realRecord(`${file}#${row}`, noteOfProblem(problem), entry))
    }
    return { records, report: { file, rows: rows.length, unknownDrgs } }
  })

const decodeRecord = Schema.decodeUnknownResult(DrgRecordSchema)

/**
 * Reads JSONL records (one `DrgRecord` per line). When a label space is given, a record whose
 * DRG it lacks goes to the report instead of the result.
 */
export const readJsonl = (file: string, text: string, labelSpace?: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  readJsonlLines(file, text.split("\n"), labelSpace)

/** `readJsonl` over the file's lines (for line-by-line reading of large files). */
export const readJsonlLines = (
  file: string,
  lines: ReadonlyArray<string>,
  labelSpace?: LabelSpace
): Effect.Effect<ReadResult, DataReadError> =>
  Effect.gen(function*() {
    const records: Array<DrgRecord> = []
    const unknownDrgs: Array<UnknownDrg> = []
    let rows = 0
    for (const [i, raw] of lines.entries()) {
      const line = i + 1
      if (raw.trim() === "") continue
      rows++
      let value: unknown
      try {
        value = JSON.parse(raw)
      } catch (e) {
        return yield* new DataReadError({ file, row: line, line, column: "", expected: "a JSON object", found: `invalid JSON (${(e as Error).message})` })
      }
      const decoded = decodeRecord(value)
      if (Result.isFailure(decoded)) {
        const message = decoded.failure.message.split("\n")
        const at = message.find((m) => m.trim().startsWith("at ")) ?? ""
        return yield* new DataReadError({
          file, row: line, line, column: at.trim().replace(/^at /, ""),
          expected: "a DrgRecord", found: message.filter((m) => !m.trim().startsWith("at ")).join(" ").trim()
        })
      }
      const record: DrgRecord = decoded.success
      if (labelSpace !== undefined && labelSpace.get(record.drg) === undefined) {
        unknownDrgs.push({ row: line, line, value: String(record.drg) })
        continue
      }
      records.push(record)
    }
    return { records, report: { file, rows, unknownDrgs } }
  })
