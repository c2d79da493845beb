/**
 * RFC 4180 CSV parsing (quoted fields with embedded commas, quotes and newlines), pure and
 * position-aware so readers can report the row and column of a problem.
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

/** Parses CSV text (delimiter `,` by default; `\t` for TSV). A trailing newline adds no row. */
export const parseCsv = (text: string, delimiter = ","): CsvParse => {
  const rows: Array<CsvRow> = []
  let fields: Array<string> = []
  let field = ""
  let line = 1
  let column = 1
  let rowLine = 1
  let i = 0
  let atFieldStart = true
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const endRow = () => {
    fields.push(field)
    rows.push({ fields, line: rowLine })
    fields = []
    field = ""
    atFieldStart = true
  }
  while (i < s.length) {
    const ch = s[i]!
    if (atFieldStart && ch === '"') {
      const quoteLine = line, quoteColumn = column
      i++, column++
      let closed = false
      while (i < s.length) {
        const q = s[i]!
        if (q === '"') {
          if (s[i + 1] === '"') {
            field += '"'
            i += 2, column += 2
            continue
          }
          i++, column++
          closed = true
          break
        }
        if (q === "\n") line++, column = 1
        else column++
        field += q
        i++
      }
      if (!closed) return { ok: false, issue: { line: quoteLine, column: quoteColumn, message: "quoted field is never closed" } }
      const next = s[i]
      if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r") {
        return { ok: false, issue: { line, column, message: `expected ${JSON.stringify(delimiter)} or end of line after a closing quote, found ${JSON.stringify(next)}` } }
      }
      atFieldStart = false
      continue
    }
    if (ch === delimiter) {
      fields.push(field)
      field = ""
      atFieldStart = true
      i++, column++
      continue
    }
    if (ch === "\r" && s[i + 1] === "\n") {
      i++
      continue
    }
    if (ch === "\n") {
      endRow()
      i++, line++, column = 1
      rowLine = line
      continue
    }
    if (ch === '"') return { ok: false, issue: { line, column, message: "a quote inside an unquoted field (RFC 4180 requires the field to be quoted and the quote doubled)" } }
    field += ch
    atFieldStart = false
    i++, column++
  }
  if (field !== "" || fields.length > 0 || !atFieldStart) endRow()
  return { ok: true, rows }
}
