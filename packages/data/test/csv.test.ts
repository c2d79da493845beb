import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { makeCsvParser, parseCsv } from "../src/Csv.ts"
import { parseCsv as referenceParseCsv } from "./support/referenceCsv.ts"

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

  it("agrees with the character-at-a-time reference parser on rows, lines and issues (any delimiter)", () => {
    const text = fc.string({ unit: fc.constantFrom("a", ",", "\t", '"', "\n", "\r", "x", "\uFEFF"), maxLength: 40 })
    fc.assert(fc.property(text, fc.constantFrom(",", "\t"), (t, d) => {
      const fast = parseCsv(t, d)
      const reference = referenceParseCsv(t, d)
      if (reference.ok) expect(fast).toEqual(reference)
      else {
        expect(fast.ok).toBe(false)
        if (!fast.ok) expect({ ...fast.issue, row: undefined }).toEqual({ ...reference.issue, row: undefined })
      }
    }), { numRuns: 3000 })
  })

  it("numbers the row of a syntax issue as readers do: header 0, blank lines not counted", () => {
    const issue = (t: string) => {
      const p = parseCsv(t)
      return p.ok ? undefined : p.issue.row
    }
    expect(issue('h\n1\n"x"y\n')).toBe(2)
    expect(issue('h\n\n\n1\n2,"open\n')).toBe(2)
    expect(issue('"h\n')).toBe(0)
  })

  it("reports the starting line of each row, counting embedded newlines", () => {
    const parsed = parseCsv('a,b\n"x\ny\nz",1\nq,2\n')
    expect(parsed.ok && parsed.rows.map((r) => r.line)).toEqual([1, 2, 5])
  })

  it("rejects an unclosed quote at its line and column", () => {
    const parsed = parseCsv('a,b\n1,"oops\n2,3\n')
    expect(parsed).toEqual({ ok: false, issue: { line: 2, column: 3, row: 1, message: "quoted field is never closed" } })
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
