import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { builtinTablesV34, createGrouper, labelSpaceV34, normalizeCode } from "../src/index.ts"
import type { Condition } from "../src/index.ts"
import { fileURLToPath } from "node:url"

// The project's seed table (its design material), committed as a fixture.
const seedPath = fileURLToPath(new URL("./fixtures/seed_table.tsv", import.meta.url))

interface SeedRow {
  readonly kind: string
  readonly code: string
  readonly mdc: string
  readonly family: string
  readonly level: string
  readonly orStatus: string
}

const readSeed = (): ReadonlyArray<SeedRow> => {
  const [header, ...rows] = readFileSync(seedPath, "utf8").trim().split("\n")
  const cols = (header ?? "").split("\t")
  const at = (name: string) => cols.indexOf(name)
  return rows.map((line) => {
    const c = line.split("\t")
    return {
      kind: c[at("kind")] ?? "",
      code: c[at("code_nodot")] || normalizeCode(c[at("code")] ?? ""),
      mdc: c[at("mdc")] ?? "",
      family: c[at("v34_drg_family")] ?? "",
      level: c[at("cc_level_as_sdx")] ?? "",
      orStatus: c[at("or_status")] ?? ""
    }
  })
}

/** DRG ranges named outside parentheses in a family cell ("870-872 … (…)", "974-976 … else 977"). */
const rangesOf = (cell: string): ReadonlyArray<readonly [number, number]> => {
  const outside = cell.replace(/\([^)]*\)/g, " ")
  return [...outside.matchAll(/\b(\d{3})(?:-(\d{3}))?\b/g)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])] as const)
}

/** The seed level a code has as SDX: its SDX row wins over the PDX row's column (see README). */
const expectedLevels = (rows: ReadonlyArray<SeedRow>): Map<string, string> => {
  const levels = new Map<string, string>()
  for (const r of rows) if (r.kind === "PDX") levels.set(r.code, r.level.startsWith("CC(") ? "CC" : r.level)
  for (const r of rows) if (r.kind === "SDX") levels.set(r.code, r.level)
  return levels
}

describe("built-in tables cover the seed table (fixtures/seed_table.tsv)", () => {
  const rows = readSeed()
  const tables = builtinTablesV34()
  const grouper = createGrouper(tables)

  it("has 238 PDX, 135 SDX and 47 PCS rows", () => {
    expect(rows.filter((r) => r.kind === "PDX")).toHaveLength(238)
    expect(rows.filter((r) => r.kind === "SDX")).toHaveLength(135)
    expect(rows.filter((r) => r.kind === "PCS")).toHaveLength(47)
  })

  it("knows every diagnosis with the seed CC level", () => {
    const levels = expectedLevels(rows)
    for (const [code, level] of levels) {
      const attrs = tables.diagnoses.get(code)
      expect(attrs, code).toBeDefined()
      expect(attrs?.level, code).toBe(level)
    }
  })

  it("gives every PDX row the seed MDC", () => {
    for (const r of rows.filter((r) => r.kind === "PDX")) {
      expect(tables.diagnoses.get(r.code)?.mdc, r.code).toBe(r.mdc.padStart(2, "0"))
    }
  })

  it("knows every procedure with the seed O.R. status", () => {
    for (const r of rows.filter((r) => r.kind === "PCS")) {
      const p = tables.procedures.get(r.code)
      expect(p, r.code).toBeDefined()
      expect(p?.or, r.code).toBe(r.orStatus === "O.R.")
      // "affects DRG" procedures carry a flag that DRG logic reads.
      if (r.orStatus.includes("affects DRG")) expect(p?.flags.length, r.code).toBeGreaterThan(0)
    }
  })

  it("groups each PDX alone into the family the seed table lists", () => {
    for (const r of rows.filter((r) => r.kind === "PDX")) {
      const result = grouper.group({ pdx: r.code, sdx: [], procedures: [], age: 65, sex: "M", dischargeStatus: "01" })
      const ranges = rangesOf(r.family)
      expect(ranges.length, r.family).toBeGreaterThan(0)
      const inRange = ranges.some(([a, b]) => result.drg >= a && result.drg <= b)
      expect(inRange, `${r.code}: DRG ${result.drg} not in ${r.family}`).toBe(true)
      expect(result.coverage.complete).toBe(true)
    }
  })
})

const conditionRefs = (c: Condition, lists: Array<string>, families: Array<string>): void => {
  switch (c.kind) {
    case "pdx":
    case "sdx":
    case "status":
      lists.push(c.list)
      break
    case "pdx-family":
      families.push(c.family)
      break
    case "distinct-sites":
      lists.push(...c.lists)
      break
    case "all":
    case "any":
      for (const part of c.of) conditionRefs(part, lists, families)
      break
    case "not":
      conditionRefs(c.of, lists, families)
      break
    default:
      break
  }
}

describe("built-in tables are consistent", () => {
  const tables = builtinTablesV34()

  it("has 338 families whose DRGs are v34 DRGs with the tier their slot implies", () => {
    expect(tables.families.size).toBe(338)
    const allowed = {
      "3-way": { MCC: ["MCC"], CC: ["CC"], none: ["without-CC-MCC"] },
      "2-way-MCC": { MCC: ["MCC"], CC: ["without-MCC"], none: ["without-MCC"] },
      "2-way-CC-MCC": { MCC: ["CC-or-MCC"], CC: ["CC-or-MCC"], none: ["without-CC-MCC"] },
      "single": { MCC: ["none"], CC: ["none"], none: ["none"] }
    } as const
    for (const f of tables.families.values()) {
      for (const slot of ["MCC", "CC", "none"] as const) {
        const entry = labelSpaceV34.get(f.byTier[slot])
        expect(entry, `${f.id} ${slot}`).toBeDefined()
        expect(allowed[f.pattern][slot] as ReadonlyArray<string>, `${f.id} ${slot}`).toContain(entry?.tier)
        expect(entry?.mdc ?? null, f.id).toBe(f.mdc)
      }
    }
  })

  it("references only families, classes and lists that exist", () => {
    const lists: Array<string> = []
    const families: Array<string> = []
    for (const d of tables.diagnoses.values()) if (d.family !== null) families.push(d.family)
    for (const cls of tables.classes.values()) {
      if (cls.requires) conditionRefs(cls.requires, lists, families)
      for (const r of cls.routes) {
        families.push(r.family)
        if (r.when) conditionRefs(r.when, lists, families)
      }
    }
    for (const rule of tables.preMdc) {
      conditionRefs(rule.when, lists, families)
      for (const r of rule.routes) {
        families.push(r.family)
        if (r.when) conditionRefs(r.when, lists, families)
      }
    }
    for (const rule of tables.medicalRules) {
      conditionRefs(rule.when, lists, families)
      families.push(rule.family)
    }
    for (const rule of tables.mdcRules) {
      conditionRefs(rule.when, lists, families)
      families.push(rule.family)
    }
    for (const f of tables.families.values()) for (const a of f.alternatives ?? []) conditionRefs(a.when, lists, families)
    families.push(tables.unrelated.extensive, tables.unrelated.nonExtensive)
    for (const id of families) expect(tables.families.has(id), `family ${id}`).toBe(true)
    for (const name of lists) expect(tables.lists.has(name), `list ${name}`).toBe(true)
    for (const [mdc, ids] of tables.hierarchy) {
      for (const id of ids) expect(tables.classes.get(id)?.mdc, id).toBe(mdc)
    }
    for (const p of tables.procedures.values()) {
      for (const id of p.classes) expect(tables.classes.has(id), id).toBe(true)
    }
    for (const d of tables.diagnoses.values()) {
      if (d.exclusion !== undefined) expect(tables.exclusions.has(d.exclusion), d.exclusion).toBe(true)
    }
  })

  it("routes every medical PDX family to a medical DRG and every class to a surgical one", () => {
    for (const d of tables.diagnoses.values()) {
      if (d.family === null) continue
      const f = tables.families.get(d.family)
      expect(labelSpaceV34.get(f?.byTier.none ?? 0)?.type, d.family).toBe("medical")
    }
    for (const cls of tables.classes.values()) {
      for (const r of cls.routes) {
        expect(labelSpaceV34.get(tables.families.get(r.family)?.byTier.none ?? 0)?.type, r.family).toBe("surgical")
      }
    }
  })
})
