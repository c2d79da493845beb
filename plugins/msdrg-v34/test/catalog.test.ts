import { describe, expect, it } from "vitest"
import { CMS_V34_TITLES, LABEL_QUIRKS, catalogRows, fixSpellings, labelSpaceV34, normalizeTitle } from "../src/catalog/index.ts"
import { itConformance } from "../../../test/support/conformance.ts"
import type { Reference } from "../../../test/support/conformance.ts"

// The DRG-LLaMA reference table (conformance suite: runs only where the reference folder is).
const REFERENCE = "DRG_34.csv"

interface ReferenceRow {
  readonly drg: number
  readonly mdc: string
  readonly ms: string
  readonly description: string
}

const readReference = (ref: Reference): ReadonlyArray<ReferenceRow> => {
  const lines = ref.read(REFERENCE).split(/\r?\n/)
  expect(lines[0]).toBe("DRG\tMDC\tMS\tDescription")
  return lines.slice(1).filter((l) => l.length > 0).map((line) => {
    const cells = line.split("\t")
    expect(cells).toHaveLength(4)
    return { drg: Number(cells[0]), mdc: cells[1]!, ms: cells[2]!, description: cells[3]! }
  })
}

// The reference spells a missing MDC as " " (pre-MDC, 981-989, 998) or "No MDC" (999).
const referenceMdc = (mdc: string | null, drg: number): string =>
  mdc === null ? (drg === 999 ? "No MDC" : " ") : `MDC ${mdc}`
const referenceType = (type: string | null): string =>
  type === "surgical" ? "P" : type === "medical" ? "M" : " "

describe("MS-DRG v34 catalog", () => {
  it("has 757 DRGs, strictly increasing, each reachable by number", () => {
    const entries = labelSpaceV34.entries
    expect(entries).toHaveLength(757)
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.drg).toBeGreaterThan(entries[i - 1]!.drg)
    for (const e of entries) expect(labelSpaceV34.get(e.drg)).toBe(e)
    expect(labelSpaceV34.get(9)).toBeUndefined()
    expect(labelSpaceV34.get(1000)).toBeUndefined()
    expect(labelSpaceV34.version).toBe("v34")
  })

  it("has no MDC exactly for pre-MDC 001-017, 981-989, 998 and 999", () => {
    for (const e of labelSpaceV34.entries) {
      const noMdc = e.drg <= 17 || (e.drg >= 981 && e.drg <= 989) || e.drg >= 998
      expect(e.mdc === null, `DRG ${e.drg}`).toBe(noMdc)
      if (e.mdc !== null) expect(e.mdc).toMatch(/^(0[1-9]|1\d|2[0-5])$/)
      expect(e.type === null, `DRG ${e.drg}`).toBe(e.drg >= 998)
    }
  })

  it("matches the MDC counts of catalog_check.md §1 and the M/P split", () => {
    // Hand-copied from catalog_check.md §1 (a statement of facts, not the reference file).
    const expected: Record<string, number> = {
      "01": 75, "02": 10, "03": 25, "04": 40, "05": 94, "06": 61, "07": 36, "08": 99, "09": 32,
      "10": 26, "11": 43, "12": 21, "13": 25, "14": 15, "15": 7, "16": 15, "17": 27, "18": 17,
      "19": 9, "20": 4, "21": 20, "22": 6, "23": 10, "24": 8, "25": 6
    }
    const counts: Record<string, number> = {}
    for (const e of labelSpaceV34.entries) {
      const k = e.mdc ?? "none"
      counts[k] = (counts[k] ?? 0) + 1
    }
    expect(counts).toEqual({ ...expected, none: 26 })
    const medical = labelSpaceV34.entries.filter((e) => e.type === "medical").length
    const surgical = labelSpaceV34.entries.filter((e) => e.type === "surgical").length
    expect([medical, surgical]).toEqual([372, 383])
  })

  it("titles are unique and already in label form apart from the documented quirks", () => {
    const titles = new Set(labelSpaceV34.entries.map((e) => e.title))
    expect(titles.size).toBe(757)
    const quirky = new Set(LABEL_QUIRKS.flatMap((q) => q.drgs))
    for (const e of labelSpaceV34.entries) {
      expect(e.title).toBe(e.title.trim())
      expect(e.title).not.toMatch(/[a-z,]|(?<!\bD)&(?!C\b)/)
      if (!quirky.has(e.drg)) {
        expect(e.title, `DRG ${e.drg}`).not.toMatch(/\s\s|\bW\b|\bW\/O\b/)
      }
    }
  })

  it("writes the CMS form with W, W/O and & (the label form is derived, not stored)", () => {
    const rows = catalogRows()
    expect(CMS_V34_TITLES).toContain("001 -- P HEART TRANSPLANT OR IMPLANT OF HEART ASSIST SYSTEM W MCC")
    expect(rows.filter((r) => / W\/O /.test(r.cmsTitle)).length).toBeGreaterThan(200)
    expect(rows.filter((r) => r.cmsTitle.includes(" & ")).length).toBeGreaterThan(100)
    expect(rows.filter((r) => r.cmsTitle.includes(",")).length).toBeGreaterThan(30)
  })

  itConformance("equals DRG_34.csv row by row (number, MDC, type, title)", [REFERENCE], (ref) => {
    const reference = readReference(ref)
    expect(reference).toHaveLength(757)
    const mismatches: Array<string> = []
    for (const ref of reference) {
      const e = labelSpaceV34.get(ref.drg)
      if (e === undefined) {
        mismatches.push(`${ref.drg}: missing`)
        continue
      }
      const got = [referenceMdc(e.mdc, e.drg), referenceType(e.type), e.title]
      const want = [ref.mdc, ref.ms, ref.description]
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        mismatches.push(`${ref.drg}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`)
      }
    }
    expect(mismatches).toEqual([])
  })

  itConformance("every label quirk is needed: without it the row would differ from DRG_34.csv", [REFERENCE], (ref) => {
    const reference = new Map(readReference(ref).map((r) => [r.drg, r.description]))
    for (const quirk of LABEL_QUIRKS) {
      for (const drg of quirk.drgs) {
        const title = labelSpaceV34.get(drg)!.title
        expect(reference.get(drg)).toBe(title)
        expect(title.replace(quirk.to, quirk.from), `DRG ${drg}`).not.toBe(reference.get(drg))
      }
    }
  })

  it("every typo quirk is undone by the spelling fixes, so family keys and resolution see through it", () => {
    const typos = LABEL_QUIRKS.filter((q) => q.why.startsWith("typo"))
    expect(typos.length).toBe(7)
    for (const q of typos) expect(fixSpellings(q.to), q.to).toBe(q.from)
  })

  it("byTitle is exact membership after trim and upper-case only", () => {
    const e = labelSpaceV34.get(218)!
    expect(labelSpaceV34.byTitle(e.title)).toBe(e)
    expect(labelSpaceV34.byTitle(`  ${e.title.toLowerCase()}  `)).toBe(e)
    expect(labelSpaceV34.byTitle(e.title.replace("PROEDURESC", "PROCEDURES"))).toBeUndefined()
    expect(labelSpaceV34.byTitle("HEART TRANSPLANT OR IMPLANT OF HEART ASSIST SYSTEM W MCC")).toBeUndefined()
    expect(labelSpaceV34.byTitle(labelSpaceV34.get(640)!.title.replace("  ", " "))).toBeUndefined()
    for (const x of labelSpaceV34.entries) expect(labelSpaceV34.byTitle(x.title)).toBe(x)
  })
})

describe("normalizeTitle", () => {
  it("upper-cases, drops commas, expands W, W/O and a free-standing &, collapses spaces", () => {
    expect(normalizeTitle("  Tracheostomy for face, mouth & neck diagnoses w/o cc/mcc ")).toBe(
      "TRACHEOSTOMY FOR FACE MOUTH AND NECK DIAGNOSES WITHOUT CC/MCC"
    )
    expect(normalizeTitle("Alcohol,drug abuse w rehabilitation")).toBe("ALCOHOL DRUG ABUSE WITH REHABILITATION")
    expect(normalizeTitle("VAGINAL DELIVERY W STERILIZATION &/OR D&C")).toBe("VAGINAL DELIVERY WITH STERILIZATION AND/OR D&C")
  })

  it("leaves W inside words, hyphenated or slashed tokens, and D&C alone", () => {
    for (const s of ["WOUND W-2 A/W W/MCC D&C", "CC/MCC", "AMI/HF/SHOCK", "O.R. W.", "NON-DRUG-ELUTING"]) {
      expect(normalizeTitle(s)).toBe(s)
    }
  })

  it("is idempotent on every label-space title", () => {
    for (const e of labelSpaceV34.entries) {
      const once = normalizeTitle(e.title)
      expect(normalizeTitle(once)).toBe(once)
    }
  })
})
