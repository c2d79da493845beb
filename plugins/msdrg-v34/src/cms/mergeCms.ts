/**
 * Merges parsed CMS definitions-manual tables over a base table set (usually the
 * built-in v34 tables). What CMS lists completely wins (CC/MCC levels, exclusions,
 * alive-only MCCs, O.R. status, non-extensive list, HACs); the base keeps what the CMS
 * text files do not state as data (flags such as "mv>96", medical rules, each PDX's
 * default medical family where the base knows it).
 */
import type { DiagnosisAttributes, FamilyRow, ProcedureAttributes, SurgicalClass, Tables } from "../tables/types.ts"
import type { CmsDrg } from "./parseAppendixA.ts"
import type { DxAssignment } from "./parseAppendixB.ts"
import type { AppendixC } from "./parseAppendixC.ts"
import type { PcsAssignments } from "./parseAppendixDE.ts"
import type { AppendixFJ } from "./parseAppendixFJ.ts"

/** Parsed CMS files; any subset may be given. */
export interface CmsTables {
  readonly a?: ReadonlyMap<number, CmsDrg>
  readonly b?: ReadonlyMap<string, ReadonlyArray<DxAssignment>>
  readonly c?: AppendixC
  readonly d?: ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>
  readonly e?: ReadonlyMap<string, PcsAssignments>
  readonly fj?: AppendixFJ
}

const familyOfDrg = (families: ReadonlyMap<string, FamilyRow>): Map<number, string> => {
  const byDrg = new Map<number, string>()
  for (const f of families.values()) {
    for (const drg of [f.byTier.MCC, f.byTier.CC, f.byTier.none]) byDrg.set(drg, f.id)
  }
  return byDrg
}

/** The family a DRG range names: the family of its last DRG (870-872 → 871-872). */
const familyOfRange = (byDrg: ReadonlyMap<number, string>, drgs: readonly [number, number]): string | undefined =>
  byDrg.get(drgs[1]) ?? byDrg.get(drgs[0])

/** Key of a surgical class by what an Appendix E entry names: its MDC and a family it routes to. */
const classKey = (mdc: string, family: string): string => `${mdc} ${family}`

/** The first class (in table order) per (MDC, family) it routes to; `anyOr` classes take no E codes. */
const classIndex = (classes: ReadonlyMap<string, SurgicalClass>): Map<string, string> => {
  const index = new Map<string, string>()
  for (const c of classes.values()) {
    if (c.anyOr === true) continue
    for (const r of c.routes) {
      const key = classKey(c.mdc, r.family)
      if (!index.has(key)) index.set(key, c.id)
    }
  }
  return index
}

/** Merges `cms` over `base`; returns a new table set. */
export const mergeCmsTables = (base: Tables, cms: CmsTables): Tables => {
  const byDrg = familyOfDrg(base.families)
  const diagnoses = new Map<string, DiagnosisAttributes>(base.diagnoses)
  const procedures = new Map<string, ProcedureAttributes>(base.procedures)
  const exclusions = new Map(base.exclusions)
  const classes = new Map(base.classes)
  const hierarchy = new Map(base.hierarchy)
  const loaded: Array<string> = []

  const setDx = (code: string, patch: Partial<DiagnosisAttributes>) => {
    const prev = diagnoses.get(code) ?? { mdc: null, family: null, level: "none" as const }
    diagnoses.set(code, { ...prev, ...patch })
  }

  if (cms.b !== undefined) {
    loaded.push("B")
    for (const [code, assignments] of cms.b) {
      const prev = diagnoses.get(code)
      if (prev !== undefined && prev.mdc !== null && prev.family !== null) continue
      const first = assignments[0]
      if (first === undefined) continue
      const sameMdc = assignments.filter((a) => a.mdc === first.mdc)
      // Prefer the first medical range of the PDX's MDC (surgical ranges need a procedure).
      const medical = cms.a === undefined ? undefined : sameMdc.find((a) => cms.a?.get(a.drgs[1])?.type === "M")
      const family = familyOfRange(byDrg, (medical ?? first).drgs)
      setDx(code, { mdc: first.mdc, family: family ?? null })
      // Listed under MDC 12 and 13 alike: the MDC follows the patient's sex.
      const male = assignments.find((a) => a.mdc === "12")
      const female = assignments.find((a) => a.mdc === "13")
      const maleFamily = male === undefined ? undefined : familyOfRange(byDrg, male.drgs)
      const femaleFamily = female === undefined ? undefined : familyOfRange(byDrg, female.drgs)
      if ((first.mdc === "12" || first.mdc === "13") && maleFamily !== undefined && femaleFamily !== undefined) {
        setDx(code, { bySex: { M: { mdc: "12", family: maleFamily }, F: { mdc: "13", family: femaleFamily } } })
      }
    }
  }

  if (cms.fj !== undefined && (cms.fj.cc.size > 0 || cms.fj.mcc.size > 0)) {
    loaded.push("G", "H")
    // The CMS lists are complete: a code on neither list is non-CC.
    for (const [code, attrs] of diagnoses) {
      if (!cms.fj.cc.has(code) && !cms.fj.mcc.has(code) && attrs.level !== "none") setDx(code, { level: "none" })
    }
    for (const code of cms.fj.cc) setDx(code, { level: "CC" })
    for (const code of cms.fj.mcc) setDx(code, { level: "MCC" })
  }

  if (cms.c !== undefined && cms.c.levels.size > 0) {
    loaded.push("C")
    for (const [id, pdx] of cms.c.collections) exclusions.set(`C${id}`, pdx)
    for (const [code, attrs] of diagnoses) {
      if (!cms.c.levels.has(code) && attrs.level !== "none") setDx(code, { level: "none" })
    }
    for (const [code, { level, collection }] of cms.c.levels) setDx(code, { level, exclusion: `C${collection}` })
  }

  const aliveOnly = cms.c !== undefined && cms.c.aliveOnly.size > 0
    ? cms.c.aliveOnly
    : cms.fj !== undefined && cms.fj.aliveOnly.size > 0
    ? cms.fj.aliveOnly
    : base.aliveOnlyMcc

  if (cms.e !== undefined) {
    loaded.push("E")
    // Built once and extended with each new class: E lists tens of thousands of codes.
    const classOf = classIndex(classes)
    for (const [code, assignment] of cms.e) {
      const prev = procedures.get(code)
      const classIds = new Set<string>()
      for (const entry of assignment.entries) {
        const family = familyOfRange(byDrg, entry.drgs)
        if (family === undefined) continue
        const key = classKey(entry.mdc, family)
        const existing = classOf.get(key)
        if (existing !== undefined) {
          classIds.add(existing)
          continue
        }
        const id = `cms:${entry.mdc}:${entry.drgs[0]}-${entry.drgs[1]}`
        if (!classes.has(id)) {
          classes.set(id, { id, mdc: entry.mdc, title: entry.category || id, routes: [{ family }] })
          hierarchy.set(entry.mdc, [...(hierarchy.get(entry.mdc) ?? []), id])
        }
        classOf.set(key, id)
        classIds.add(id)
      }
      procedures.set(code, {
        or: assignment.or,
        classes: assignment.or ? [...classIds] : prev?.classes ?? [],
        flags: prev?.flags ?? [],
        ...(prev?.vessels === undefined ? {} : { vessels: prev.vessels }),
        ...(prev?.stents === undefined ? {} : { stents: prev.stents })
      })
    }
  }

  if (cms.d !== undefined && cms.d.size > 0) {
    loaded.push("D")
    for (const [mdc, ranges] of cms.d) {
      const ids = hierarchy.get(mdc) ?? []
      const rank = (id: string): number => {
        const cls = classes.get(id)
        if (cls === undefined || cls.anyOr === true) return Number.MAX_SAFE_INTEGER
        const drgs = cls.routes.flatMap((r) => {
          const f = base.families.get(r.family)
          return f === undefined ? [] : [f.byTier.MCC, f.byTier.none]
        })
        const at = ranges.findIndex(([a, b]) => drgs.some((d) => d >= a && d <= b))
        return at === -1 ? Number.MAX_SAFE_INTEGER - 1 : at
      }
      hierarchy.set(mdc, [...ids].sort((x, y) => rank(x) - rank(y)))
    }
  }

  let nonExtensive = base.nonExtensive
  let prostatic = base.prostatic
  let hac = base.hac
  if (cms.fj !== undefined) {
    if (cms.fj.nonExtensive.size > 0) {
      loaded.push("F")
      nonExtensive = cms.fj.nonExtensive
      // Codes on the non-extensive list are O.R. procedures; record the ones the base lacks.
      for (const code of cms.fj.nonExtensive) {
        if (!procedures.has(code)) procedures.set(code, { or: true, classes: [], flags: [] })
      }
    }
    if (cms.fj.prostatic.size > 0) prostatic = cms.fj.prostatic
    if (cms.fj.hac.length > 0) {
      loaded.push("I")
      hac = cms.fj.hac
    }
  }

  const drgs = new Map(base.drgs)
  if (cms.a !== undefined) {
    loaded.push("A")
    for (const [drg, row] of cms.a) drgs.set(drg, { mdc: row.mdc, type: row.type, title: row.title })
  }

  return {
    ...base,
    source: `CMS appendices ${loaded.sort().join(", ") || "(none)"} over ${base.source}`,
    diagnoses,
    procedures,
    exclusions,
    aliveOnlyMcc: aliveOnly,
    nonExtensive,
    prostatic,
    classes,
    hierarchy,
    hac,
    drgs
  }
}
