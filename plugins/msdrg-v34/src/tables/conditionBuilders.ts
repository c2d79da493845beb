/**
 * Short constructors for table conditions, so the built-in rules read as logic
 * (`all(pdxFamily("280-282"), status("status:expired"))`) rather than object literals.
 */
import type { Condition } from "./types.ts"

/** Some procedure of the case carries `flag`. */
export const proc = (flag: string): Condition => ({ kind: "proc", flag })

/** The PDX is on the named list. */
export const pdx = (list: string): Condition => ({ kind: "pdx", list })

/** Some SDX is on the named list. */
export const sdx = (list: string): Condition => ({ kind: "sdx", list })

/** The PDX's default medical family is `family`. */
export const pdxFamily = (family: string): Condition => ({ kind: "pdx-family", family })

/** The discharge status is on the named list. */
export const status = (list: string): Condition => ({ kind: "status", list })

/** The case's MDC is `mdc`. */
export const mdc = (mdc: string): Condition => ({ kind: "mdc", mdc })

/** Every part holds. */
export const all = (...of: ReadonlyArray<Condition>): Condition => ({ kind: "all", of })

/** Some part holds. */
export const any = (...of: ReadonlyArray<Condition>): Condition => ({ kind: "any", of })

/** The part does not hold. */
export const not = (of: Condition): Condition => ({ kind: "not", of })
