import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseCaseLine } from "../src/cli/index.ts"
import { loadCmsTables } from "../src/cms/loadNode.ts"
import {
  builtinTablesV34,
  createGrouper,
  mergeCmsTables,
  parseAppendixA,
  parseAppendixB,
  parseAppendixC,
  parseAppendixD,
  parseAppendixE,
  parseAppendixFJ
} from "../src/index.ts"
import { describeConformance } from "../../../test/support/conformance.ts"
import { caseLine } from "./support/caseLine.ts"

// Real v37 appendices A and F-J (read at runtime, never copied).

// Synthetic snippets written in the CMS formats (GROUPER_SPEC.md §0), CRLF as in the files.
const APPENDIX_B = [
  "Appendix B Diagnosis Code/MDC/MS-DRG Index",
  "",
  "I10 Dx  MDC DRG(s)      ICD-10-CM Description",
  "A000    06  371-373     Cholera due to Vibrio cholerae 01, biovar cholerae",
  "A021    18  870-872     Salmonella sepsis",
  "        25  974-976",
  "        25  977",
  "R509    18  864         Fever, unspecified",
  "A510    12  727-728     Primary genital syphilis",
  "        13  757-759",
  ""
].join("\r\n")

const APPENDIX_C = [
  "Appendix C Complications or Comorbidities Exclusions",
  "",
  "I10 Dx  Lev PDX Exclusions   Description",
  "A021     MCC 0002:  3 codes   Salmonella sepsis",
  "N179     CC  0757:  2 codes   Acute kidney failure, unspecified",
  "R570     MCC 0911:  1 codes   Cardiogenic shock",
  "",
  "PDX collection 0002",
  "  A021    Salmonella sepsis",
  "  A400    Sepsis due to streptococcus, group A",
  "  A419    Sepsis, unspecified organism",
  "",
  "PDX collection 0757",
  "  N170    Acute kidney failure with tubular necrosis",
  "  N179    Acute kidney failure, unspecified",
  "",
  "PDX collection 0911",
  "  R570    Cardiogenic shock",
  "",
  "Appendix C Part 2: Codes that are Major CC only if patient discharged alive",
  "  R570    Cardiogenic shock",
  ""
].join("\r\n")

const APPENDIX_D_E = [
  "Appendix D MS-DRG Surgical Hierarchy by MDC and MS-DRG",
  "",
  "MDC 05 Diseases and Disorders of the Circulatory System",
  "  215      Other Heart Assist System Implant",
  "  216-221  Cardiac Valve and Other Major Cardiothoracic Procedures",
  "  231-236  Coronary Bypass",
  "  246-251  Percutaneous Cardiovascular Procedures",
  "",
  "Appendix E Operating Room Procedures and Procedure Code/MS-DRG Index",
  "",
  "CODE    MDC MS-DRG  SURGICAL CATEGORY",
  "021109W  05 231-236 Coronary Bypass",
  "027034Z  05 246-251 Percutaneous Cardiovascular Procedures",
  "02HA0QZ  05 215     Other Heart Assist System Implant",
  "         21 907-909 Other O.R. Procedures for Injuries",
  "4A023N7* 05 286-287 Circulatory Disorders Except AMI, with Cardiac Catheterization",
  "",
  "Procedure Cluster/MS-DRG Index",
  "02HA0QZ  05 215     (cluster lines are not read)",
  ""
].join("\r\n")

describe("Appendix B/C/D/E parsers (synthetic snippets in the CMS formats)", () => {
  it("B: code → (MDC, DRG range) lines, continuation lines included", () => {
    const b = parseAppendixB(APPENDIX_B)
    expect(b.size).toBe(4)
    expect(b.get("A021")).toEqual([
      { mdc: "18", drgs: [870, 872] },
      { mdc: "25", drgs: [974, 976] },
      { mdc: "25", drgs: [977, 977] }
    ])
    expect(b.get("R509")).toEqual([{ mdc: "18", drgs: [864, 864] }])
  })

  it("C: levels with collection ids, the collections, and part 2", () => {
    const c = parseAppendixC(APPENDIX_C)
    expect(c.levels.get("A021")).toEqual({ level: "MCC", collection: "0002" })
    expect(c.levels.get("N179")).toEqual({ level: "CC", collection: "0757" })
    expect(c.collections.get("0002")).toEqual(["A021", "A400", "A419"])
    expect(c.collections.get("0757")).toEqual(["N170", "N179"])
    expect([...c.aliveOnly]).toEqual(["R570"])
  })

  it("D: surgical hierarchy per MDC, highest first", () => {
    expect(parseAppendixD(APPENDIX_D_E).get("05")).toEqual([[215, 215], [216, 221], [231, 236], [246, 251]])
  })

  it("E: O.R. flag (* = non-O.R.), MDC / DRG range entries, stops at the cluster index", () => {
    const e = parseAppendixE(APPENDIX_D_E)
    expect(e.size).toBe(4)
    expect(e.get("4A023N7")?.or).toBe(false)
    expect(e.get("021109W")).toEqual({
      or: true,
      cluster: false,
      entries: [{ mdc: "05", drgs: [231, 236], category: "Coronary Bypass" }]
    })
    expect(e.get("02HA0QZ")?.entries.map((x) => x.mdc)).toEqual(["05", "21"])
  })

  it("merges B/C/D/E over the built-in tables", () => {
    const base = builtinTablesV34()
    const merged = mergeCmsTables(base, {
      b: parseAppendixB(APPENDIX_B),
      c: parseAppendixC(APPENDIX_C),
      d: parseAppendixD(APPENDIX_D_E),
      e: parseAppendixE(APPENDIX_D_E)
    })
    // A new PDX gets its MDC and family from B (870-872 names family 871-872).
    expect(merged.diagnoses.get("A021")).toMatchObject({ mdc: "18", family: "871-872", level: "MCC", exclusion: "C0002" })
    // C is complete: a CC it does not list becomes non-CC; listed ones take C's collection.
    expect(merged.diagnoses.get("N170")?.level).toBe("none")
    expect(merged.diagnoses.get("N179")).toMatchObject({ level: "CC", exclusion: "C0757" })
    expect([...merged.aliveOnlyMcc]).toEqual(["R570"])
    // E maps 02HA0QZ to a new MDC 05 class; D ranks it above CABG.
    const classes = merged.procedures.get("02HA0QZ")?.classes ?? []
    expect(classes).toContain("cms:05:215-215")
    const order = merged.hierarchy.get("05") ?? []
    expect(order.indexOf("cms:05:215-215")).toBeLessThan(order.indexOf("05:cabg"))
    expect(order.indexOf("05:cabg")).toBeLessThan(order.indexOf("05:pci-des"))
    // Flags that CMS files do not carry survive the merge.
    expect(merged.procedures.get("4A023N7")?.flags).toContain("cath")
    const g = createGrouper(merged)
    expect(g.group({ pdx: "A02.1", sdx: [], procedures: [], age: 50, sex: "F", dischargeStatus: "01" }).drg).toBe(872)
    expect(g.group({ pdx: "I25.10", sdx: [], procedures: ["02HA0QZ", "021109W"], age: 50, sex: "F", dischargeStatus: "01" }).drg)
      .toBe(215)
    // Listed under MDC 12 and 13: routed by sex.
    expect(merged.diagnoses.get("A510")?.bySex).toEqual({ M: { mdc: "12", family: "727-728" }, F: { mdc: "13", family: "757-759" } })
    expect(g.group({ pdx: "A51.0", sdx: [], procedures: [], age: 30, sex: "F", dischargeStatus: "01" }).drg).toBe(759)
    expect(merged.source).toMatch(/CMS appendices B, C, D, E over built-in v34 tables/)
  })
})

describe("the ./node entry", () => {
  it("exports loadCmsTables to other packages", async () => {
    const node = await import("@sapphire-rl/plugin-msdrg-v34/node")
    expect(node.loadCmsTables).toBe(loadCmsTables)
  })
})

describeConformance("real CMS v37 appendices (cms-v37/)", ["cms-v37/appendix_F_J.txt", "cms-v37/appendix_A.txt"], (ref) => {
  const v37Dir = ref.path("cms-v37")
  const read = (name: string) => readFileSync(ref.path(`cms-v37/${name}`), "latin1")
  it("A: 761 DRGs with MDC, type and title", () => {
    const a = parseAppendixA(read("appendix_A.txt"))
    expect(a.size).toBe(761)
    expect(a.get(1)).toEqual({ drg: 1, mdc: null, type: "P", title: "HEART TRANSPLANT OR IMPLANT OF HEART ASSIST SYSTEM WITH MCC" })
    expect(a.get(291)).toMatchObject({ mdc: "05", type: "M", title: "HEART FAILURE AND SHOCK WITH MCC" })
    expect(a.get(999)).toEqual({ drg: 999, mdc: null, type: null, title: "UNGROUPABLE" })
    expect(a.has(984)).toBe(false)
    expect([...a.values()].filter((d) => d.type === "P")).toHaveLength(
      read("appendix_A.txt").split(/\r?\n/).filter((l) => /^\d{3} .{4}P /.test(l)).length
    )
  })

  it("F-J: counts of the non-extensive, CC, MCC, alive-only and HAC lists", () => {
    const fj = parseAppendixFJ(read("appendix_F_J.txt"))
    // GROUPER_SPEC.md quotes v36 F as 10,028; the v37 file holds 10,014 (counted by grep).
    expect(fj.nonExtensive.size).toBe(10014)
    expect(fj.prostatic.size).toBe(0)
    expect(fj.cc.size).toBe(14598)
    expect(fj.mcc.size).toBe(3250)
    expect([...fj.aliveOnly].sort()).toEqual(["I462", "I468", "I469", "I4901", "R092", "R570", "R571", "R578"])
    expect(fj.hac.map((h) => h.id)).toEqual(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14"])
  })

  it("F-J: spot checks against the seed table's levels", () => {
    const fj = parseAppendixFJ(read("appendix_F_J.txt"))
    for (const code of ["N179", "E871", "D62", "I5022", "J441", "N390", "F05"]) expect(fj.cc.has(code), code).toBe(true)
    for (const code of ["R6521", "N170", "J9601", "I5023", "G9341", "J690", "E43"]) expect(fj.mcc.has(code), code).toBe(true)
    for (const code of ["I10", "E119", "I4891", "D649", "N183"]) {
      expect(fj.cc.has(code) || fj.mcc.has(code), code).toBe(false)
    }
    expect(fj.nonExtensive.has("0T768DZ")).toBe(true)
    expect(fj.nonExtensive.has("0SRD0J9")).toBe(false)
    const hac10 = fj.hac.find((h) => h.id === "10")
    expect(hac10?.sdx).toContain("I2699")
    expect(hac10?.procedures).toContain("0SRC0J9")
    expect(fj.hac.find((h) => h.id === "11")?.pdx).toEqual(["E6601"])
  })

  it("loads a directory and groups the seed cases the same way over it", async () => {
    const tables = await loadCmsTables(v37Dir)
    expect(tables.source).toMatch(/CMS appendices A, F, G, H, I over built-in v34 tables/)
    const g = createGrouper(tables)
    const kase = (pdx: string, sdx: ReadonlyArray<string>, procedures: ReadonlyArray<string> = []) =>
      g.group({ pdx, sdx, procedures, age: 70, sex: "F", dischargeStatus: "01" })
    // The seed worked cases keep their gold DRGs with the v37 CC/MCC, F and HAC lists merged in.
    const fixture = readFileSync(fileURLToPath(new URL("./fixtures/seed_examples.jsonl", import.meta.url)), "utf8")
    for (const line of fixture.trim().split("\n")) {
      const parsed = parseCaseLine(caseLine(line))
      if (!parsed.ok) throw new Error(parsed.error)
      expect(g.group(parsed.input).drg, line).toBe((JSON.parse(line) as { expected: number }).expected)
    }
    // A code outside the built-in tables now counts: A02.1 Salmonella sepsis is an MCC in H.
    const r = kase("J18.9", ["A02.1"])
    expect(r.drg).toBe(193)
    expect(r.coverage.complete).toBe(true)
    // … whereas the built-in tables do not know it.
    expect(createGrouper().group({ pdx: "J18.9", sdx: ["A02.1"], procedures: [], age: 70, sex: "F", dischargeStatus: "01" }).coverage)
      .toEqual({ complete: false, unknownCodes: ["A021"] })
    // Appendix I replaces the built-in HACs; HAC 10 still applies after a TKA.
    expect(g.group({ pdx: "M17.11", sdx: [{ code: "I26.99", poa: "N" }], procedures: ["0SRC0J9"], age: 70, sex: "F", dischargeStatus: "01" }).drg)
      .toBe(470)
  })
})
