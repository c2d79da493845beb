/**
 * Appendix B (diagnosis code → MDC / MS-DRG index). Format:
 *
 * ```
 * I10 Dx  MDC DRG(s)      ICD-10-CM Description
 * A000    06  371-373     Cholera due to Vibrio cholerae 01, biovar cholerae
 * A021    18  870-872     Salmonella sepsis
 *         25  974-976
 * ```
 * A line without a code continues the code above (another MDC / DRG range).
 */
import { DIAGNOSIS_CODE } from "../grouper/codes.ts"
import { parseRange, textLines } from "./textLines.ts"

const HEAD = new RegExp(String.raw`^(${DIAGNOSIS_CODE})\s+(\d{2})\s+(\d{3})(?:-(\d{3}))?(?:\s|$)`)

/** One (MDC, DRG range) assignment of a diagnosis. */
export interface DxAssignment {
  readonly mdc: string
  readonly drgs: readonly [number, number]
}

/** Parses Appendix B into code → assignments (first = the MDC as PDX). */
export const parseAppendixB = (text: string): ReadonlyMap<string, ReadonlyArray<DxAssignment>> => {
  const index = new Map<string, Array<DxAssignment>>()
  let current: Array<DxAssignment> | undefined
  for (const line of textLines(text)) {
    const head = HEAD.exec(line)
    if (head !== null) {
      const code = head[1] ?? ""
      current = index.get(code) ?? []
      index.set(code, current)
      current.push({ mdc: head[2] ?? "", drgs: parseRange(head[3] ?? "", head[4]) })
      continue
    }
    const more = /^\s+(\d{2})\s+(\d{3})(?:-(\d{3}))?(?:\s|$)/.exec(line)
    if (more !== null && current !== undefined) {
      current.push({ mdc: more[1] ?? "", drgs: parseRange(more[2] ?? "", more[3]) })
      continue
    }
    if (line.trim() !== "" && !/^\s/.test(line)) current = undefined
  }
  return index
}
