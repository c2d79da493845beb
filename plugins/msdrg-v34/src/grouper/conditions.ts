/**
 * Evaluates table conditions against a case. Plain code: it runs for every case.
 */
import type { Condition, Tables } from "../tables/types.ts"
import type { CaseFacts } from "./caseFacts.ts"
import { matcherOf } from "./codes.ts"

const EMPTY: ReadonlyArray<string> = []

const list = (tables: Tables, name: string): ReadonlyArray<string> => tables.lists.get(name) ?? EMPTY

const hasFlag = (tables: Tables, code: string, flag: string): boolean =>
  tables.procedures.get(code)?.flags.includes(flag) === true

/** Procedures of the case that carry a flag. */
export const proceduresWithFlag = (tables: Tables, facts: CaseFacts, flag: string): ReadonlyArray<string> =>
  facts.procedures.filter((code) => hasFlag(tables, code, flag))

/** The first code of the case that makes a condition true (for the trace), if one does. */
export const witness = (tables: Tables, facts: CaseFacts, c: Condition): string | undefined => {
  switch (c.kind) {
    case "pdx":
      return matcherOf(list(tables, c.list)).test(facts.pdx) ? facts.pdx : undefined
    case "sdx": {
      const m = matcherOf(list(tables, c.list))
      return facts.sdx.find((s) => m.test(s))
    }
    case "proc":
      return proceduresWithFlag(tables, facts, c.flag)[0]
    case "all": {
      let found: string | undefined
      for (const part of c.of) {
        if (!holds(tables, facts, part)) return undefined
        found ??= witness(tables, facts, part)
      }
      return found
    }
    case "any":
      for (const part of c.of) if (holds(tables, facts, part)) return witness(tables, facts, part)
      return undefined
    default:
      return undefined
  }
}

const sum = (tables: Tables, facts: CaseFacts, attr: "vessels" | "stents"): number => {
  let total = 0
  for (const code of facts.procedures) total += tables.procedures.get(code)?.[attr] ?? 0
  return total
}

/** Whether a condition holds for the case. */
export const holds = (tables: Tables, facts: CaseFacts, c: Condition): boolean => {
  switch (c.kind) {
    case "pdx":
      return matcherOf(list(tables, c.list)).test(facts.pdx)
    case "sdx": {
      const m = matcherOf(list(tables, c.list))
      return facts.sdx.some((s) => m.test(s))
    }
    case "proc":
      return facts.procedures.some((code) => hasFlag(tables, code, c.flag))
    case "status":
      return list(tables, c.list).includes(facts.status)
    case "mdc":
      return facts.mdc === c.mdc
    case "pdx-family":
      return facts.pdxFamily === c.family
    case "count":
      // "4+ vessels/stents" counts across all PCI codes of the case.
      return sum(tables, facts, c.attr) >= c.min
    case "distinct-sites": {
      let sites = 0
      for (const name of c.lists) {
        const m = matcherOf(list(tables, name))
        if (m.test(facts.pdx) || facts.sdx.some((s) => m.test(s))) sites += 1
      }
      return sites >= c.min
    }
    case "or-besides":
      return facts.procedures.some((code) => {
        const p = tables.procedures.get(code)
        if (p === undefined || !p.or || p.flags.includes(c.flag)) return false
        return !c.extensive || !tables.nonExtensive.has(code)
      })
    case "all":
      return c.of.every((part) => holds(tables, facts, part))
    case "any":
      return c.of.some((part) => holds(tables, facts, part))
    case "not":
      return !holds(tables, facts, c.of)
  }
}
