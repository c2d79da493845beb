import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { fillNumbers } from "../src/NoteRenderer.ts"
import { makePrng } from "../src/Prng.ts"
import { DIAGNOSES, PROCEDURES, termPattern, vocabularyGaps } from "../src/Vocabulary.ts"

// The seed table's kind and code columns (project material, transcribed as a fixture): the
// vocabulary must cover all its codes.
const seedRows = readFileSync(new URL("./fixtures/seed_codes.tsv", import.meta.url), "utf8")
  .split("\n").slice(1).filter((l) => l.trim() !== "").map((l) => l.split("\t"))

describe("vocabulary", () => {
  it("has terms for every code and no terms without facts", () => {
    expect(vocabularyGaps()).toEqual([])
  })

  it("covers every PDX, SDX and PCS code of the seed table, with its kind", () => {
    for (const [kind = "", code = ""] of seedRows) {
      if (kind === "PCS") expect(PROCEDURES.has(code), code).toBe(true)
      else {
        const dx = DIAGNOSES.get(code)
        expect(dx, code).toBeDefined()
        if (kind === "PDX") expect(dx?.asPdx, code).toBe(true)
        if (kind === "SDX") expect(dx?.asSdx, code).toBe(true)
      }
    }
    expect(DIAGNOSES.size + PROCEDURES.size).toBeGreaterThan(300)
  })

  it("never writes a code, undotted code or the word DRG into a term or detail", () => {
    for (const v of [...DIAGNOSES.values(), ...PROCEDURES.values()]) {
      for (const text of [...v.terms, ...v.details]) {
        expect(text.toUpperCase().includes(v.code.toUpperCase()), `${v.code}: ${text}`).toBe(false)
        expect(/\bDRG\b/i.test(text)).toBe(false)
      }
    }
  })

  it("matches every term after its numbers are filled in, and not an unrelated string", () => {
    const rng = makePrng(1)
    for (const v of [...DIAGNOSES.values(), ...PROCEDURES.values()]) {
      for (const term of v.terms) {
        const rendered = fillNumbers(rng, term, 0)
        expect(rendered.includes("{"), rendered).toBe(false)
        expect(termPattern(term).test(`x ${rendered.toUpperCase()} y`), `${v.code}: ${rendered}`).toBe(true)
      }
    }
    expect(termPattern("on the vent for {5-9} days").test("on the vent for many days")).toBe(false)
  })

  it("fills decimal placeholders with one decimal inside the range", () => {
    const rng = makePrng(2)
    for (let i = 0; i < 200; i++) {
      const v = Number(fillNumbers(rng, "{6.8-7.1}", 0))
      expect(v).toBeGreaterThanOrEqual(6.8)
      expect(v).toBeLessThanOrEqual(7.1)
    }
  })
})
