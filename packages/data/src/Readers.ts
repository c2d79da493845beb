/**
 * Readers for real-format data (pure: they take the file's text and its name for messages):
 * DRG-LLaMA CSV (`hadm_id, text, drg_34_code, label`), DRG-Sapphire rows (`problem, solution`)
 * and JSONL records. Unknown DRGs are collected in a report, never silently dropped.
 */
import type { DrgEntry, LabelSpace } from "@sapphire-rl/spec"
import { Effect, Result, Schema } from "effect"
import { type CsvParse, type CsvRow, type CsvSyntaxIssue, parseCsv } from "./Csv.ts"
import { cut, DataReadError, shown } from "./DataReadError.ts"
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

/**
 * Turns CSV rows, one at a time, into records: the header names the columns, blank lines are
 * skipped, each data row is checked and converted at once. Nothing but the records is kept,
 * so a file streams through in memory bounded by its longest row plus the records.
 *
 * @since 0.1.0
 * @category readers
 */
export interface CsvRecordReader {
  /** Reads the next row; a DataReadError ends the file. */
  readonly row: (r: CsvRow) => DataReadError | undefined
  /** The file's syntax issue, as a DataReadError naming its row and line. */
  readonly syntax: (issue: CsvSyntaxIssue) => DataReadError
  /** After the last row: the records and report, or the error of an empty file. */
  readonly finish: () => ReadResult | DataReadError
}

type RowRecord = (r: CsvRow, row: number, get: (name: string) => string) => DrgRecord | UnknownDrg | DataReadError

const makeCsvRecordReader = (file: string, required: ReadonlyArray<string>, toRecord: RowRecord): CsvRecordReader => {
  let names: ReadonlyArray<string> | undefined
  const index: Record<string, number> = {}
  const records: Array<DrgRecord> = []
  const unknownDrgs: Array<UnknownDrg> = []
  let rowCount = 0
  let current: CsvRow = { fields: [], line: 0 }
  const get = (name: string): string => current.fields[index[name]!] ?? ""
  const row = (r: CsvRow): DataReadError | undefined => {
    if (names === undefined) {
      names = r.fields.map((f) => f.trim())
      for (const name of required) {
        const at = names.indexOf(name)
        if (at < 0) {
          return new DataReadError({ file, row: 0, line: r.line, column: name, expected: `a header column ${JSON.stringify(name)}`, found: cut(`columns ${names.map((n) => (n.length > 40 ? `${n.slice(0, 37)}...` : n)).join(", ")}`) })
        }
        index[name] = at
      }
      return undefined
    }
    if (r.fields.length === 1 && r.fields[0] === "") return undefined
    rowCount++
    if (r.fields.length !== names.length) {
      return new DataReadError({ file, row: rowCount, line: r.line, column: "", expected: `${names.length} fields`, found: `${r.fields.length} fields` })
    }
    current = r
    const out = toRecord(r, rowCount, get)
    if (out instanceof DataReadError) return out
    if ("value" in out) unknownDrgs.push(out)
    else records.push(out)
    return undefined
  }
  return {
    row,
    syntax: (issue) =>
      new DataReadError({
        file, row: issue.row, line: issue.line, column: `character ${issue.column}`,
        expected: "well-formed RFC 4180 CSV", found: issue.message
      }),
    finish: () =>
      names === undefined
        ? new DataReadError({ file, row: 0, line: 1, column: "", expected: `a header with ${required.join(", ")}`, found: "an empty file" })
        : { records, report: { file, rows: rowCount, unknownDrgs } }
  }
}

const integerField = (file: string, r: CsvRow, row: number, name: string, raw: string): number | DataReadError =>
  /^-?\d+$/.test(raw.trim())
    ? Number(raw.trim())
    : new DataReadError({ file, row, line: r.line, column: name, expected: "an integer", found: shown(raw.trim()) })

/** Feeds parsed rows to a record reader. */
const readParsed = (reader: CsvRecordReader, parsed: CsvParse): Effect.Effect<ReadResult, DataReadError> => {
  if (!parsed.ok) return Effect.fail(reader.syntax(parsed.issue))
  for (const r of parsed.rows) {
    const e = reader.row(r)
    if (e !== undefined) return Effect.fail(e)
  }
  const result = reader.finish()
  return result instanceof DataReadError ? Effect.fail(result) : Effect.succeed(result)
}

/**
 * A row-at-a-time reader of DRG-LLaMA CSV (`hadm_id, text, drg_34_code, label`) that joins the
 * title, family and tier from the label space; rows with a DRG it lacks go to the report.
 *
 * @since 0.1.0
 * @category readers
 */
export const drgLlamaRecordReader = (file: string, labelSpace: LabelSpace): CsvRecordReader =>
  makeCsvRecordReader(file, ["hadm_id", "text", "drg_34_code", "label"], (r, row, get) => {
    const id = get("hadm_id").trim()
    if (id === "") return new DataReadError({ file, row, line: r.line, column: "hadm_id", expected: "a non-empty admission id", found: shown(id) })
    const note = get("text")
    if (note.trim() === "") return new DataReadError({ file, row, line: r.line, column: "text", expected: "a non-empty note", found: shown(note) })
    const drg = integerField(file, r, row, "drg_34_code", get("drg_34_code"))
    if (drg instanceof DataReadError) return drg
    const label = integerField(file, r, row, "label", get("label"))
    if (label instanceof DataReadError) return label
    const entry = labelSpace.get(drg)
    return entry === undefined ? { row, line: r.line, value: String(drg) } : realRecord(id, note, entry)
  })

/**
 * Reads DRG-LLaMA CSV (`hadm_id, text, drg_34_code, label`) and joins the title, family and
 * tier from the label space. Rows with a DRG the label space lacks go to the report.
 */
export const readDrgLlamaCsv = (file: string, text: string, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  readDrgLlamaRows(file, parseCsv(text), labelSpace)

/** `readDrgLlamaCsv` over already parsed rows. */
export const readDrgLlamaRows = (file: string, parsed: CsvParse, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  readParsed(drgLlamaRecordReader(file, labelSpace), parsed)

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
 * A row-at-a-time reader of DRG-Sapphire style CSV (`problem, solution`).
 *
 * @since 0.1.0
 * @category readers
 */
export const sapphireRecordReader = (file: string, labelSpace: LabelSpace): CsvRecordReader =>
  makeCsvRecordReader(file, ["problem", "solution"], (r, row, get) => {
    const problem = get("problem")
    if (problem.trim() === "") return new DataReadError({ file, row, line: r.line, column: "problem", expected: "a non-empty prompt", found: shown(problem) })
    const solution = get("solution")
    const entry = labelSpace.byTitle(solution)
    return entry === undefined ? { row, line: r.line, value: solution } : realRecord(`${file}#${row}`, noteOfProblem(problem), entry)
  })

/**
 * Reads DRG-Sapphire style CSV (`problem, solution`): the problem holds the prompt with the
 * note between `***`, the solution the DRG title (matched exactly after trim + upper-case).
 */
export const readSapphireCsv = (file: string, text: string, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  readSapphireRows(file, parseCsv(text), labelSpace)

/** `readSapphireCsv` over already parsed rows. */
export const readSapphireRows = (file: string, parsed: CsvParse, labelSpace: LabelSpace): Effect.Effect<ReadResult, DataReadError> =>
  readParsed(sapphireRecordReader(file, labelSpace), parsed)

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
        return yield* new DataReadError({ file, row: line, line, column: "", expected: "a JSON object", found: `invalid JSON (${cut((e as Error).message)})` })
      }
      const decoded = decodeRecord(value)
      if (Result.isFailure(decoded)) {
        const message = decoded.failure.message.split("\n")
        const at = message.find((m) => m.trim().startsWith("at ")) ?? ""
        return yield* new DataReadError({
          file, row: line, line, column: at.trim().replace(/^at /, ""),
          expected: "a DrgRecord", found: cut(message.filter((m) => !m.trim().startsWith("at ")).join(" ").trim())
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
