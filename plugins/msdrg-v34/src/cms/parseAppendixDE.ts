/**
 * Appendix D (surgical hierarchy per MDC) and Appendix E (procedure → MDC / MS-DRG
 * range / surgical category), as they appear in `appendix_D_E.txt`.
 *
 * D: an `MDC nn` heading, then the MDC's surgical DRG ranges highest first, one per line
 * (`020-022  Intracranial Vascular Procedures …`).
 *
 * E: after the header `CODE    MDC MS-DRG  SURGICAL CATEGORY`, one line per code and
 * assignment; `*` after the code marks a non-O.R. procedure, `+` a cluster member; a
 * line without a code continues the code above:
 * ```
 * 0016070   01 031-033 Ventricular Shunt Procedures
 * 0016071   01 031-033 Ventricular Shunt Procedures
 *           21 907-909 Other O.R. Procedures for Injuries
 * 4A023N7*  05 286-287 …
 * ```
 * E ends at `Procedure Cluster/MS-DRG Index`.
 */
import { PROCEDURE_CODE } from "../grouper/codes.ts"
import { parseRange, textLines } from "./textLines.ts"

const E_HEAD = new RegExp(String.raw`^(${PROCEDURE_CODE})\s*([*+]*)\s*(\d{2})\s+(\d{3})(?:-(\d{3}))?\s*(.*)$`)

/** One procedure's Appendix E content. */
export interface PcsAssignments {
  readonly or: boolean
  readonly cluster: boolean
  readonly entries: ReadonlyArray<{ readonly mdc: string; readonly drgs: readonly [number, number]; readonly category: string }>
}

/** Parses Appendix D: MDC → DRG ranges, highest first. */
export const parseAppendixD = (text: string): ReadonlyMap<string, ReadonlyArray<readonly [number, number]>> => {
  const order = new Map<string, Array<readonly [number, number]>>()
  let mdc: Array<readonly [number, number]> | undefined
  for (const line of textLines(text)) {
    if (/CODE\s+MDC\s+MS-DRG/.test(line)) break // Appendix E begins
    const head = /^\s*MDC\s*(\d{2})\b/.exec(line)
    if (head !== null) {
      const key = head[1] ?? ""
      mdc = order.get(key) ?? []
      order.set(key, mdc)
      continue
    }
    const m = /^\s*(\d{3})(?:-(\d{3}))?\s+[A-Za-z]/.exec(line)
    if (m !== null && mdc !== undefined) mdc.push(parseRange(m[1] ?? "", m[2]))
  }
  return order
}

/** Parses Appendix E: PCS code → O.R. status and (MDC, DRG range, category) entries. */
export const parseAppendixE = (text: string): ReadonlyMap<string, PcsAssignments> => {
  const index = new Map<string, { or: boolean; cluster: boolean; entries: Array<PcsAssignments["entries"][number]> }>()
  let inTable = false
  let current: { or: boolean; cluster: boolean; entries: Array<PcsAssignments["entries"][number]> } | undefined
  for (const line of textLines(text)) {
    if (/^\s*CODE\s+MDC\s+MS-DRG/.test(line)) {
      inTable = true
      continue
    }
    if (!inTable) continue
    if (/Procedure Cluster\/MS-DRG Index/.test(line)) break
    const head = E_HEAD.exec(line)
    if (head !== null) {
      const code = head[1] ?? ""
      const marks = head[2] ?? ""
      current = index.get(code) ?? { or: !marks.includes("*"), cluster: marks.includes("+"), entries: [] }
      index.set(code, current)
      current.entries.push({ mdc: head[3] ?? "", drgs: parseRange(head[4] ?? "", head[5]), category: (head[6] ?? "").trim() })
      continue
    }
    const more = /^\s+(\d{2})\s+(\d{3})(?:-(\d{3}))?\s*(.*)$/.exec(line)
    if (more !== null && current !== undefined) {
      current.entries.push({ mdc: more[1] ?? "", drgs: parseRange(more[2] ?? "", more[3]), category: (more[4] ?? "").trim() })
    }
  }
  return index
}
