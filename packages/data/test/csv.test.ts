import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { makeCsvParser, parseCsv } from "../src/Csv.ts"

// Independent RFC 4180 writer: quote every field that needs it, double inner quotes.
const writeField = (f: string) => (/[",\n\r]/.test(f) || f === "" ? `"${f.replace(/"/g, '""')}"` : f)
const writeCsv = (rows: ReadonlyArray<ReadonlyArray<string>>, eol: string) => rows.map((r) => r.map(writeField).join(",")).join(eol) + eol

describe("parseCsv", () => {
  it("round-trips arbitrary fields with commas, quotes and newlines (LF and CRLF)", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "b", ",", '"', "\n", " ", "é", "x") })
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(fc.array(field, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 6 })), fc.constantFrom("\n", "\r\n"), (rows, eol) => {
      const parsed = parseCsv(writeCsv(rows, eol))
      expect(parsed.ok).toBe(true)
      if (parsed.ok) expect(parsed.rows.map((r) => r.fields)).toEqual(rows)
    }), { numRuns: 300 })
  })

  it("gives the same rows, lines and issues however the text is split into chunks", () => {
    const text = fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", "x") })
    fc.assert(fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (t, cuts) => {
      const whole = parseCsv(t)
      const points = [...new Set(cuts.map((c) => c % (t.length + 1)))].sort((a, b) => a - b)
      const parser = makeCsvParser()
      const rows: Array<unknown> = []
      let issue: unknown
      let prev = 0
      for (const p of [...points, t.length]) {
        const r = parser.push(t.slice(prev, p))
        prev = p
        if (!r.ok) {
          issue = r.issue
          break
        }
        rows.push(...r.rows)
      }
      if (issue === undefined) {
        const r = parser.end()
        if (r.ok) rows.push(...r.rows)
        else issue = r.issue
      }
      if (whole.ok) {
        expect(issue).toBeUndefined()
        expect(rows).toEqual(whole.rows)
      } else expect(issue).toEqual(whole.issue)
    }), { numRuns: 500 })
  })

  it("reports the starting line of each row, counting embedded newlines", () => {
    const parsed = parseCsv('a,b\n"x\ny\nz",1\nq,2\n')
    expect(parsed.ok && parsed.rows.map((r) => r.line)).toEqual([1, 2, 5])
  })

  it("rejects an unclosed quote at its line and column", () => {
    const parsed = parseCsv('a,b\n1,"oops\n2,3\n')
    expect(parsed).toEqual({ ok: false, issue: { line: 2, column: 3, message: "quoted field is never closed" } })
  })

  it("rejects a bare quote in an unquoted field and text after a closing quote", () => {
    const bare = parseCsv('a,b\n1,x"y\n')
    expect(bare.ok === false && bare.issue.line === 2 && bare.issue.column === 4).toBe(true)
    const after = parseCsv('a\n"x"y\n')
    expect(after.ok === false && after.issue.line === 2 && after.issue.column === 4).toBe(true)
  })

  it("strips a BOM and keeps a trailing empty field", () => {
    const parsed = parseCsv("\uFEFFa,b,\n")
    expect(parsed.ok && parsed.rows[0]?.fields).toEqual(["a", "b", ""])
  })
})
