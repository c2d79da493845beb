/**
 * Test oracle: the first CSV parser of this package (one character at a time, `field += ch`),
 * kept as a plain reference for the fast slicing parser in src/Csv.ts to agree with on random
 * input. Too slow and memory-hungry for real files (about 35x the file size).
 */

/** A parsed CSV row: its fields and the 1-based line where it starts. */
export interface CsvRow {
  readonly fields: ReadonlyArray<string>
  readonly line: number
}

/** A syntax problem, with the 1-based line and column where it was found. */
export interface CsvSyntaxIssue {
  readonly line: number
  readonly column: number
  readonly message: string
}

/** Result of parsing: rows, or the first syntax issue. */
export type CsvParse =
  | { readonly ok: true; readonly rows: ReadonlyArray<CsvRow> }
  | { readonly ok: false; readonly issue: CsvSyntaxIssue }

/** An incremental parser: feed chunks, then end. After an issue, further input is ignored. */
export interface CsvParser {
  /** Parses a chunk; returns the rows it completed. */
  readonly push: (chunk: string) => CsvParse
  /** Ends the input; returns the last row, if any. A trailing newline adds no row. */
  readonly end: () => CsvParse
}

type State = "fieldStart" | "unquoted" | "quoted" | "quoteInQuoted"

/** Creates an incremental parser (delimiter `,` by default; `\t` for TSV). */
export const makeCsvParser = (delimiter = ","): CsvParser => {
  let state: State = "fieldStart"
  let fields: Array<string> = []
  let field = ""
  let line = 1
  let column = 0
  let rowLine = 1
  let quoteLine = 0, quoteColumn = 0
  let pendingCr = false
  let first = true
  let failed: CsvSyntaxIssue | undefined
  let rows: Array<CsvRow> = []

  const endField = () => {
    fields.push(field)
    field = ""
    state = "fieldStart"
  }
  const endRow = () => {
    endField()
    rows.push({ fields, line: rowLine })
    fields = []
  }
  const fail = (message: string, l = line, c = column): void => {
    failed = { line: l, column: c, message }
  }
  const newline = () => {
    endRow()
    line++
    column = 0
    rowLine = line
  }

  const step = (ch: string): void => {
    column++
    switch (state) {
      case "fieldStart":
        if (ch === '"') {
          state = "quoted"
          quoteLine = line, quoteColumn = column
        } else if (ch === delimiter) endField()
        else if (ch === "\n") newline()
        else if (ch === "\r") pendingCr = true
        else {
          field += ch
          state = "unquoted"
        }
        return
      case "unquoted":
        if (ch === delimiter) endField()
        else if (ch === "\n") newline()
        else if (ch === "\r") pendingCr = true
        else if (ch === '"') fail("a quote inside an unquoted field (RFC 4180 requires the field to be quoted and the quote doubled)")
        else field += ch
        return
      case "quoted":
        if (ch === '"') state = "quoteInQuoted"
        else {
          field += ch
          if (ch === "\n") line++, column = 0
        }
        return
      case "quoteInQuoted":
        if (ch === '"') {
          field += '"'
          state = "quoted"
        } else if (ch === delimiter) endField()
        else if (ch === "\n") newline()
        else if (ch === "\r") pendingCr = true
        else fail(`expected ${JSON.stringify(delimiter)} or end of line after a closing quote, found ${JSON.stringify(ch)}`)
        return
    }
  }

  const push = (chunk: string): CsvParse => {
    if (failed !== undefined) return { ok: false, issue: failed }
    let text = chunk
    if (first && text.length > 0) {
      first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    for (let i = 0; i < text.length && failed === undefined; i++) {
      const ch = text[i]!
      if (pendingCr) {
        pendingCr = false
        if (ch === "\n") {
          newline()
          continue
        }
        // A lone CR outside quotes is ordinary field text. (Its column was already counted when
        // it was read: the original counted it twice here, which the fast parser fixes.)
        field += "\r"
        if (state === "fieldStart" || state === "quoteInQuoted") {
          if (state === "quoteInQuoted") {
            fail(`expected ${JSON.stringify(delimiter)} or end of line after a closing quote, found "\\r"`)
            break
          }
          state = "unquoted"
        }
      }
      step(ch)
    }
    if (failed !== undefined) return { ok: false, issue: failed }
    const out = rows
    rows = []
    return { ok: true, rows: out }
  }

  const end = (): CsvParse => {
    if (failed !== undefined) return { ok: false, issue: failed }
    if (pendingCr) {
      pendingCr = false
      if (state === "quoteInQuoted") state = "unquoted"
    }
    if (state === "quoted") {
      fail("quoted field is never closed", quoteLine, quoteColumn)
      return { ok: false, issue: failed! }
    }
    if (state !== "fieldStart" || fields.length > 0 || field !== "") endRow()
    const out = rows
    rows = []
    return { ok: true, rows: out }
  }
  return { push, end }
}

/** Parses CSV text in one go (delimiter `,` by default). A trailing newline adds no row. */
export const parseCsv = (text: string, delimiter = ","): CsvParse => {
  const parser = makeCsvParser(delimiter)
  const head = parser.push(text)
  if (!head.ok) return head
  const tail = parser.end()
  if (!tail.ok) return tail
  return { ok: true, rows: [...head.rows, ...tail.rows] }
}
