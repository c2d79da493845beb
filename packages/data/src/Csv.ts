/**
 * RFC 4180 CSV parsing (quoted fields with embedded delimiters, quotes and newlines), pure,
 * incremental (text may arrive in chunks, so files larger than one JS string can be read) and
 * position-aware so readers can report the row and column of a problem.
 *
 * Fields are sliced from the chunk in one piece (a field that spans chunks is joined once),
 * never built a character at a time: the parser holds only the row in progress, so a stream
 * of rows costs memory bounded by the longest row, and kept fields cost about their own size.
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
  /**
   * 0-based index of the row the problem is in, counting only rows that are not blank lines
   * (the header is row 0), as the readers number rows.
   */
  readonly row: number
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

const QUOTE = 34
const LF = 10
const CR = 13

/** Creates an incremental parser (delimiter `,` by default; `\t` for TSV). */
export const makeCsvParser = (delimiter = ","): CsvParser => {
  if (delimiter.length !== 1 || delimiter === "\"" || delimiter === "\n" || delimiter === "\r") {
    throw new RangeError(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`)
  }
  const DELIM = delimiter.charCodeAt(0)
  let state: State = "fieldStart"
  let fields: Array<string> = []
  // The current field's text from earlier chunks (or before a doubled quote).
  let partial = ""
  let line = 1
  let rowLine = 1
  // Global character offsets: of the current chunk's start, and of the current line's start.
  let base = 0
  let lineStart = 0
  let quoteLine = 0, quoteColumn = 0
  // Non-blank rows completed so far (for CsvSyntaxIssue.row).
  let rowsDone = 0
  // The chunk ended in a CR whose meaning (line end or text) depends on the next character.
  let pendingCr = false
  let first = true
  let failed: CsvSyntaxIssue | undefined
  let rows: Array<CsvRow> = []

  const columnAt = (globalOffset: number): number => globalOffset - lineStart + 1
  const fail = (message: string, l: number, c: number): void => {
    failed = { line: l, column: c, row: rowsDone, message }
  }
  const endRow = (): void => {
    if (!(fields.length === 1 && fields[0] === "")) rowsDone++
    rows.push({ fields, line: rowLine })
    fields = []
  }
  // A line break at global offset `at` (of its LF) ended a row.
  const newline = (at: number): void => {
    line++
    lineStart = at + 1
    rowLine = line
  }

  const push = (chunk: string): CsvParse => {
    if (failed !== undefined) return { ok: false, issue: failed }
    let s = chunk
    if (first && s.length > 0) {
      first = false
      // A byte-order mark is not text: columns count from the character after it.
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1)
    }
    if (pendingCr) {
      pendingCr = false
      s = `\r${s}`
      base -= 1
    }
    const n = s.length
    let i = 0
    let start = 0
    // Position of the next LF at or after the scan in quoted text (-1: none left; -2: not searched yet).
    let nextLf = -2
    scan: while (i < n) {
      switch (state) {
        case "fieldStart": {
          if (s.charCodeAt(i) === QUOTE) {
            state = "quoted"
            quoteLine = line
            quoteColumn = columnAt(base + i)
            i++
          } else state = "unquoted"
          start = i
          continue
        }
        case "unquoted": {
          let j = i
          let c = 0
          for (; j < n; j++) {
            c = s.charCodeAt(j)
            if (c === DELIM || c === LF || c === CR || c === QUOTE) break
          }
          if (j === n) {
            partial += s.slice(start, n)
            break scan
          }
          if (c === DELIM) {
            fields.push(partial + s.slice(start, j))
            partial = ""
            state = "fieldStart"
            i = j + 1
          } else if (c === LF) {
            fields.push(partial + s.slice(start, j))
            partial = ""
            state = "fieldStart"
            endRow()
            newline(base + j)
            i = j + 1
          } else if (c === CR) {
            if (j + 1 === n) {
              partial += s.slice(start, j)
              pendingCr = true
              break scan
            }
            if (s.charCodeAt(j + 1) === LF) {
              fields.push(partial + s.slice(start, j))
              partial = ""
              state = "fieldStart"
              endRow()
              newline(base + j + 1)
              i = j + 2
            } else i = j + 1 // a lone CR outside quotes is ordinary field text
          } else {
            fail("a quote inside an unquoted field (RFC 4180 requires the field to be quoted and the quote doubled)", line, columnAt(base + j))
            break scan
          }
          continue
        }
        case "quoted": {
          // indexOf runs at memchr speed over a long note; line breaks inside it are counted
          // from a cached next-LF position, so each LF of the chunk is searched for once.
          const q = s.indexOf("\"", i)
          const j = q < 0 ? n : q
          if (nextLf !== -1 && nextLf < i) nextLf = s.indexOf("\n", i)
          while (nextLf !== -1 && nextLf < j) {
            line++
            lineStart = base + nextLf + 1
            nextLf = s.indexOf("\n", nextLf + 1)
          }
          partial += s.slice(start, j)
          if (j === n) break scan
          state = "quoteInQuoted"
          i = j + 1
          continue
        }
        case "quoteInQuoted": {
          const c = s.charCodeAt(i)
          if (c === QUOTE) {
            partial += "\""
            state = "quoted"
            i++
            start = i
          } else if (c === DELIM) {
            fields.push(partial)
            partial = ""
            state = "fieldStart"
            i++
          } else if (c === LF) {
            fields.push(partial)
            partial = ""
            state = "fieldStart"
            endRow()
            newline(base + i)
            i++
          } else if (c === CR && i + 1 === n) {
            pendingCr = true
            break scan
          } else if (c === CR && s.charCodeAt(i + 1) === LF) {
            fields.push(partial)
            partial = ""
            state = "fieldStart"
            endRow()
            newline(base + i + 1)
            i += 2
          } else {
            fail(`expected ${JSON.stringify(delimiter)} or end of line after a closing quote, found ${JSON.stringify(s[i])}`, line, columnAt(base + i))
            break scan
          }
          continue
        }
      }
    }
    base += n
    if (failed !== undefined) return { ok: false, issue: failed }
    const out = rows
    rows = []
    return { ok: true, rows: out }
  }

  const end = (): CsvParse => {
    if (failed !== undefined) return { ok: false, issue: failed }
    // A CR at the very end of the input ends the last line (and alone on it, adds no row).
    if (pendingCr && state === "unquoted" && fields.length === 0 && partial === "") state = "fieldStart"
    pendingCr = false
    if (state === "quoted") {
      fail("quoted field is never closed", quoteLine, quoteColumn)
      return { ok: false, issue: failed! }
    }
    if (state !== "fieldStart" || fields.length > 0 || partial !== "") {
      fields.push(partial)
      partial = ""
      state = "fieldStart"
      endRow()
    }
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
