/**
 * The table-driven MS-DRG grouper: validation, HAC/POA processing (initial vs final DRG),
 * and the result in the label space's words.
 */
import type { Grouper, GrouperInput, GrouperResult, LabelSpace, TraceStep } from "@sapphire-rl/spec"
import type { HacCategory, Tables } from "../tables/types.ts"
import type { CaseFacts } from "./caseFacts.ts"
import { dotted, matcherOf } from "./codes.ts"
import { normalizeInput, type SdxWithPoa } from "./normalizeInput.ts"
import { routeCase } from "./route.ts"

/** POA values that let a HAC secondary diagnosis drop out of the final DRG. */
const NOT_PRESENT_ON_ADMISSION: ReadonlySet<string> = new Set(["N", "U"])

const hacOf = (tables: Tables, pdx: string, procedures: ReadonlyArray<string>, sdx: SdxWithPoa): HacCategory | undefined => {
  if (sdx.poa === undefined || !NOT_PRESENT_ON_ADMISSION.has(sdx.poa)) return undefined
  return tables.hac.find((hac) =>
    matcherOf(hac.sdx).test(sdx.code) &&
    (hac.procedures === undefined || procedures.some((p) => matcherOf(hac.procedures ?? []).test(p))) &&
    (hac.pdx === undefined || matcherOf(hac.pdx).test(pdx))
  )
}

const describe = (
  labelSpace: LabelSpace,
  tables: Tables,
  drg: number
): Pick<GrouperResult, "title" | "type" | "family" | "tier"> => {
  const entry = labelSpace.get(drg)
  if (entry !== undefined) return { title: entry.title, type: entry.type, family: entry.family, tier: entry.tier }
  const loaded = tables.drgs.get(drg)
  return {
    title: loaded?.title ?? `DRG ${drg}`,
    type: loaded?.type === "M" ? "medical" : loaded?.type === "P" ? "surgical" : null,
    family: loaded?.title ?? `DRG ${drg}`,
    tier: "none"
  }
}

/**
 * Makes a grouper over a table set; titles, families and tiers come from `labelSpace`
 * (DRGs it lacks fall back to a loaded Appendix A).
 */
export const makeGrouper = (tables: Tables, labelSpace: LabelSpace): Grouper => {
  const ungroupable = (error: string, trace: ReadonlyArray<TraceStep>, unknownCodes: ReadonlyArray<string>): GrouperResult => ({
    drg: 999,
    ...describe(labelSpace, tables, 999),
    mdc: null,
    type: null,
    severity: "none",
    trace: [...trace, { step: "validate", decision: `ungroupable: ${error}` }],
    coverage: { complete: unknownCodes.length === 0, unknownCodes },
    error
  })

  const group = (input: GrouperInput): GrouperResult => {
    const checked = normalizeInput(tables, input)
    if (!checked.ok) return ungroupable(checked.error, [], checked.unknownCodes)
    const base: CaseFacts = {
      pdx: checked.pdx,
      sdx: checked.sdx.map((s) => s.code),
      procedures: checked.procedures,
      age: checked.age,
      sex: checked.sex,
      status: checked.status,
      mdc: null,
      pdxFamily: null
    }
    const hacDrops = checked.sdx
      .map((s) => ({ s, hac: hacOf(tables, checked.pdx, checked.procedures, s) }))
      .filter((x): x is { s: SdxWithPoa; hac: HacCategory } => x.hac !== undefined)
    const initial = routeCase(tables, base)
    let routed = initial
    const trace: Array<TraceStep> = [...checked.trace]
    if (hacDrops.length > 0 && initial.ok) {
      const dropped = new Set(hacDrops.map((x) => x.s.code))
      const final = routeCase(tables, { ...base, sdx: base.sdx.filter((code) => !dropped.has(code)) })
      for (const { s, hac } of hacDrops) {
        trace.push({
          step: "hac",
          decision: `${dotted(s.code)} is HAC ${hac.id} (${hac.title}) with POA=${s.poa}: ignored for the final DRG`,
          code: dotted(s.code)
        })
      }
      if (final.ok) {
        trace.push({ step: "hac", decision: `initial DRG ${initial.drg}, final DRG ${final.drg}` })
        routed = final
      }
    }
    trace.push(...routed.trace)
    const unknownCodes = checked.unknownCodes
    if (!routed.ok) return ungroupable(routed.error, trace, unknownCodes)
    const described = describe(labelSpace, tables, routed.drg)
    trace.push({ step: "drg", decision: `DRG ${routed.drg} ${described.title}` })
    return {
      drg: routed.drg,
      ...described,
      mdc: routed.mdc,
      severity: routed.severity,
      trace,
      coverage: { complete: unknownCodes.length === 0, unknownCodes }
    }
  }

  const safeGroup = (input: GrouperInput): GrouperResult => {
    try {
      return group(input)
    } catch (e) {
      // The contract says never throw: a table inconsistency becomes a 999 with the reason.
      return ungroupable(`internal error: ${e instanceof Error ? e.message : String(e)}`, [], [])
    }
  }

  return { version: tables.version, group: safeGroup }
}
