/**
 * The typed error of every reader: which file, row and column, what was expected and found.
 */
import { Schema } from "effect"

/** A row of an input file did not have the expected shape. */
export class DataReadError extends Schema.TaggedError<DataReadError>()("DataReadError", {
  file: Schema.String,
  /** 1-based data row (the header is row 0, blank lines are not counted); for JSONL, the line number. */
  row: Schema.Number,
  /** 1-based physical line where the row starts. */
  line: Schema.Number,
  /** Column name (CSV), field path (JSONL) or "" for the whole row. */
  column: Schema.String,
  expected: Schema.String,
  found: Schema.String
}) {
  override get message(): string {
    const where = this.column === "" ? "" : `, column ${this.column}`
    return `${this.file}: row ${this.row} (line ${this.line})${where}: expected ${this.expected}, found ${this.found}`
  }
}

/** Shortens a found value for an error message (a 12 KB note must not flood the terminal). */
export const shown = (value: string): string =>
  JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)

/** Cuts a long message part (a syntax issue quoting field text) to `max` characters, saying how much was left out. */
export const cut = (text: string, max = 200): string =>
  text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text
