/**
 * Appendix A (list of MS-DRGs): `DRG MDC MS Description`, fixed columns
 * (DRG 0-2, MDC 4-5, M/P at 8, title from 11).
 */
import { textLines } from "./textLines.ts"

/** One Appendix A row. */
export interface CmsDrg {
  readonly drg: number
  readonly mdc: string | null
  readonly type: "M" | "P" | null
  readonly title: string
}

/** Parses Appendix A; rows before the `DRG MDC MS` header are ignored. */
export const parseAppendixA = (text: string): ReadonlyMap<number, CmsDrg> => {
  const drgs = new Map<number, CmsDrg>()
  let inTable = false
  for (const line of textLines(text)) {
    if (/^DRG\s+MDC\s+MS/.test(line)) {
      inTable = true
      continue
    }
    if (!inTable) continue
    const m = /^(\d{3}) (\d{2}| {2}) {1,2}([MP ]) +(\S.*?)\s*$/.exec(line)
    if (m === null) continue
    const mdc = (m[2] ?? "").trim()
    const type = m[3] === "M" || m[3] === "P" ? m[3] : null
    drgs.set(Number(m[1]), { drg: Number(m[1]), mdc: mdc === "" ? null : mdc, type, title: m[4] ?? "" })
  }
  return drgs
}
