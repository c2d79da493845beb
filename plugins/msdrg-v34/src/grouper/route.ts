/**
 * Steps 3-10 of the algorithm for one set of secondary diagnoses: pre-MDC, MDC, surgical
 * hierarchy or unrelated O.R., medical rules, then the family's severity split.
 */
import type { CaseSeverity, TraceStep } from "@sapphire-rl/spec"
import type { Route, Tables } from "../tables/types.ts"
import type { CaseFacts } from "./caseFacts.ts"
import { dotted } from "./codes.ts"
import { holds, proceduresWithFlag, witness } from "./conditions.ts"
import { caseSeverity, maxSeverity } from "./severity.ts"

/** Where a case landed. */
export type Routed =
  | {
    readonly ok: true
    readonly drg: number
    readonly family: string
    /** The case's MDC; null for pre-MDC DRGs. */
    readonly mdc: string | null
    readonly severity: CaseSeverity
    readonly trace: ReadonlyArray<TraceStep>
  }
  | { readonly ok: false; readonly error: string; readonly trace: ReadonlyArray<TraceStep> }

const pickRoute = (tables: Tables, facts: CaseFacts, routes: ReadonlyArray<Route>): Route | undefined =>
  routes.find((r) => r.when === undefined || holds(tables, facts, r.when))

const routeStep = (step: string, route: Route, tables: Tables, facts: CaseFacts): TraceStep | undefined => {
  if (route.because === undefined) return undefined
  const code = route.when === undefined ? undefined : witness(tables, facts, route.when)
  return { step, decision: route.because, ...(code === undefined ? {} : { code: showCode(tables, code) }) }
}

const showCode = (tables: Tables, code: string): string => (tables.diagnoses.has(code) ? dotted(code) : code)

interface FamilyChoice {
  readonly family: string
  readonly mdc: string | null
  readonly trace: ReadonlyArray<TraceStep>
}

const choosePreMdc = (tables: Tables, facts: CaseFacts): FamilyChoice | undefined => {
  for (const rule of tables.preMdc) {
    if (!holds(tables, facts, rule.when)) continue
    const route = pickRoute(tables, facts, rule.routes)
    if (route === undefined) continue
    const driver = witness(tables, facts, rule.when) ?? proceduresWithFlag(tables, facts, rule.flag)[0]
    const trace: Array<TraceStep> = [{
      step: "pre-mdc",
      decision: `pre-MDC rule ${rule.id} applies`,
      ...(driver === undefined ? {} : { code: showCode(tables, driver) })
    }]
    const why = routeStep("pre-mdc", route, tables, facts)
    if (why !== undefined) trace.push(why)
    return { family: route.family, mdc: null, trace }
  }
  return undefined
}

const chooseSurgical = (tables: Tables, facts: CaseFacts, mdc: string): FamilyChoice | undefined => {
  const orCodes = facts.procedures.filter((code) => tables.procedures.get(code)?.or === true)
  if (orCodes.length === 0) return undefined
  const trace: Array<TraceStep> = [{
    step: "partition",
    decision: `surgical: O.R. procedure ${orCodes.join(", ")}`,
    code: orCodes[0] ?? ""
  }]
  for (const classId of tables.hierarchy.get(mdc) ?? []) {
    const cls = tables.classes.get(classId)
    if (cls === undefined) continue
    const members = cls.anyOr === true
      ? orCodes.filter((code) => cls.extensiveOnly !== true || !tables.nonExtensive.has(code))
      : orCodes.filter((code) => tables.procedures.get(code)?.classes.includes(classId) === true)
    if (members.length === 0) continue
    if (cls.requires !== undefined && !holds(tables, facts, cls.requires)) continue
    const route = pickRoute(tables, facts, cls.routes)
    if (route === undefined) continue
    trace.push({
      step: "surgical-class",
      decision: `highest surgical class in MDC ${mdc}: ${cls.title}`,
      code: members[0] ?? ""
    })
    const why = routeStep("surgical-class", route, tables, facts)
    if (why !== undefined) trace.push(why)
    return { family: route.family, mdc, trace }
  }
  // No O.R. procedure belongs to the MDC: unrelated O.R. procedure (981-989).
  const extensive = orCodes.find((code) => !tables.nonExtensive.has(code) && !tables.prostatic.has(code))
  const prostatic = orCodes.find((code) => tables.prostatic.has(code))
  const u = tables.unrelated
  if (extensive !== undefined) {
    trace.push({ step: "unrelated-or", decision: `extensive O.R. procedure unrelated to the PDX`, code: extensive })
    return { family: u.extensive, mdc, trace }
  }
  if (prostatic !== undefined && u.prostatic !== null) {
    trace.push({ step: "unrelated-or", decision: `prostatic O.R. procedure unrelated to the PDX`, code: prostatic })
    return { family: u.prostatic, mdc, trace }
  }
  trace.push({ step: "unrelated-or", decision: `only non-extensive O.R. procedures, unrelated to the PDX`, code: orCodes[0] ?? "" })
  return { family: u.nonExtensive, mdc, trace }
}

const chooseMedical = (tables: Tables, facts: CaseFacts, mdc: string): FamilyChoice | undefined => {
  if (facts.pdxFamily === null) return undefined
  for (const rule of tables.medicalRules) {
    if (!holds(tables, facts, rule.when)) continue
    const code = witness(tables, facts, rule.when)
    return {
      family: rule.family,
      mdc,
      trace: [{ step: "medical", decision: rule.because, ...(code === undefined ? {} : { code: showCode(tables, code) }) }]
    }
  }
  return {
    family: facts.pdxFamily,
    mdc,
    trace: [{ step: "medical", decision: `medical family of the principal diagnosis`, code: dotted(facts.pdx) }]
  }
}

/** Routes one case (`facts.mdc` / `pdxFamily` are filled here) to a DRG. */
export const routeCase = (tables: Tables, base: CaseFacts): Routed => {
  const trace: Array<TraceStep> = []
  const pdxAttrs = tables.diagnoses.get(base.pdx)
  if (pdxAttrs === undefined || pdxAttrs.mdc === null) {
    return { ok: false, error: `principal diagnosis ${dotted(base.pdx)} has no MDC`, trace }
  }
  let mdc: string = pdxAttrs.mdc
  let pdxFamily = pdxAttrs.family
  if (pdxAttrs.bySex !== undefined) {
    if (base.sex === "U") {
      return { ok: false, error: `sex unknown but principal diagnosis ${dotted(base.pdx)} needs it to choose the MDC`, trace }
    }
    mdc = pdxAttrs.bySex[base.sex].mdc
    pdxFamily = pdxAttrs.bySex[base.sex].family
  }
  let facts: CaseFacts = { ...base, mdc, pdxFamily }
  let mdcWhy = `MDC ${mdc} from principal diagnosis`
  for (const rule of tables.mdcRules) {
    if (!holds(tables, facts, rule.when)) continue
    mdc = rule.mdc
    pdxFamily = rule.family
    mdcWhy = `MDC ${mdc}: ${rule.because}`
    facts = { ...facts, mdc, pdxFamily }
    break
  }
  const preMdc = choosePreMdc(tables, facts)
  let choice: FamilyChoice | undefined = preMdc
  if (preMdc === undefined) {
    trace.push({ step: "mdc", decision: mdcWhy, code: dotted(base.pdx) })
    const needed = tables.mdcSex.get(mdc)
    if (needed !== undefined && base.sex !== needed) {
      return { ok: false, error: `MDC ${mdc} needs sex ${needed}, case has ${base.sex}`, trace }
    }
    choice = chooseSurgical(tables, facts, mdc)
    if (choice === undefined) {
      trace.push({ step: "partition", decision: "medical: no O.R. procedure" })
      choice = chooseMedical(tables, facts, mdc)
    }
  }
  if (choice === undefined) return { ok: false, error: `no family for principal diagnosis ${dotted(base.pdx)}`, trace }
  trace.push(...choice.trace)
  const family = tables.families.get(choice.family)
  if (family === undefined) {
    return { ok: false, error: `family ${choice.family} is missing from the loaded tables`, trace }
  }
  const expired = tables.expiredStatuses.has(base.status)
  const sev = caseSeverity(tables, base.pdx, facts.sdx, expired)
  let severity = sev.severity
  if (family.pattern !== "single") trace.push(...sev.trace)
  for (const alt of family.alternatives ?? []) {
    if (!holds(tables, facts, alt.when)) continue
    const code = witness(tables, facts, alt.when)
    trace.push({
      step: "split",
      decision: `${alt.text} qualifies as ${alt.severity} for this family`,
      ...(code === undefined ? {} : { code: showCode(tables, code) })
    })
    severity = maxSeverity(severity, alt.severity)
  }
  const drg = family.byTier[severity]
  trace.push({
    step: "split",
    decision: family.pattern === "single"
      ? `family ${family.id} has no severity split`
      : `family ${family.id} (${family.pattern}) with ${severity === "none" ? "no CC/MCC" : severity} → DRG ${drg}`
  })
  return { ok: true, drg, family: family.id, mdc: choice.mdc, severity: sev.severity, trace }
}
