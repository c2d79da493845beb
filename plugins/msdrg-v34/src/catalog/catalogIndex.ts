/**
 * The v34 entries and families, built once from the catalog rows on first use.
 *
 * @since 0.1.0
 */
import type { DrgEntry, DrgFamily, SeverityTier } from "@sapphire-rl/spec"
import { catalogRows } from "./catalogRows.ts"
import { CHEMO_ALIAS_FAMILY, isUnabbreviatedFamilyText, parseTitle } from "./parseTitle.ts"

/**
 * Everything the label space looks up, built together.
 *
 * @since 0.1.0
 */
export interface CatalogIndex {
  readonly entries: ReadonlyArray<DrgEntry>
  readonly families: ReadonlyArray<DrgFamily>
  readonly byDrg: ReadonlyMap<number, DrgEntry>
  /** Exact label-space title → entry. */
  readonly byExactTitle: ReadonlyMap<string, DrgEntry>
  /** Family grouping key → family. */
  readonly familyByKey: ReadonlyMap<string, DrgFamily>
}

const patternOf = (tiers: ReadonlyArray<SeverityTier>, drgs: ReadonlyArray<number>): DrgFamily["pattern"] => {
  const sig = [...tiers].sort().join(",")
  switch (sig) {
    case "CC,MCC,without-CC-MCC":
      return "3-way"
    case "MCC,without-MCC":
      return "2-way-MCC"
    case "CC-or-MCC,without-CC-MCC":
      return "2-way-CC-MCC"
    case "none":
      return "single"
    default:
      throw new Error(`family of DRGs ${drgs.join(",")} has an unexpected tier set: ${sig}`)
  }
}

let index: CatalogIndex | undefined

/**
 * The catalog index (built once).
 *
 * @since 0.1.0
 */
export const catalogIndex = (): CatalogIndex => {
  if (index !== undefined) return index
  const rows = catalogRows()
  const parsed = rows.map((row) => ({ row, parse: parseTitle(row.title) }))

  // Group by key in DRG order, so family ids follow each family's lowest DRG.
  const groups = new Map<string, Array<(typeof parsed)[number]>>()
  for (const p of parsed) {
    const group = groups.get(p.parse.familyKey) ?? []
    group.push(p)
    groups.set(p.parse.familyKey, group)
  }

  const families: Array<DrgFamily> = []
  const familyByKey = new Map<string, DrgFamily>()
  for (const [key, members] of groups) {
    const first = members[0]!
    // Display text: the lowest DRG's family text, skipping members whose text keeps an
    // abbreviation (987-988 "PROC" → 989's "PROCEDURE"); the chemotherapy alias has its own.
    const display = key === CHEMO_ALIAS_FAMILY
      ? CHEMO_ALIAS_FAMILY
      : (members.find((m) => isUnabbreviatedFamilyText(m.parse.familyText)) ?? first).parse.familyText
    const family: DrgFamily = {
      id: families.length,
      family: display,
      mdc: first.row.mdc,
      type: first.row.type,
      drgs: members.map((m) => m.row.drg),
      pattern: patternOf(members.map((m) => m.parse.tier), members.map((m) => m.row.drg))
    }
    families.push(family)
    familyByKey.set(key, family)
  }

  const entries: Array<DrgEntry> = parsed.map(({ parse, row }) => {
    const family = familyByKey.get(parse.familyKey)!
    return {
      drg: row.drg,
      mdc: row.mdc,
      type: row.type,
      title: row.title,
      family: family.family,
      familyId: family.id,
      tier: parse.tier,
      alternative: parse.alternative
    }
  })
  const byDrg = new Map(entries.map((e) => [e.drg, e]))
  const byExactTitle = new Map(entries.map((e) => [e.title, e]))
  index = { entries, families, byDrg, byExactTitle, familyByKey }
  return index
}
