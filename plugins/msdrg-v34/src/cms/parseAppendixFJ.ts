/**
 * Appendices F-J (`appendix_F_J.txt`, `appendix_F_I.txt` in later releases):
 * F unrelated O.R. procedures (the non-extensive list after the `DRG 989` heading and,
 * in v34-era files, the prostatic list after `DRG 986`), G the CC list, H the MCC list
 * (part 2: MCC only if discharged alive), I the HAC categories.
 */
import type { HacCategory } from "../tables/types.ts"
import { DIAGNOSIS_CODE, PROCEDURE_CODE } from "../grouper/codes.ts"
import { isBanner, textLines } from "./textLines.ts"

/** The content of Appendices F-J. */
export interface AppendixFJ {
  readonly nonExtensive: ReadonlySet<string>
  /** Prostatic O.R. procedures (984-986); empty when the file has no such section. */
  readonly prostatic: ReadonlySet<string>
  readonly cc: ReadonlySet<string>
  readonly mcc: ReadonlySet<string>
  readonly aliveOnly: ReadonlySet<string>
  readonly hac: ReadonlyArray<HacCategory>
}

type Section = "none" | "F" | "G" | "H" | "H2" | "I" | "J"

const CODE_LINE = /^\s{1,4}([0-9A-Z]{3,7})\*?(?:\s|$)/
const PROCEDURE_LINE = new RegExp(String.raw`^\s{1,4}(${PROCEDURE_CODE})(?:\s|$)`)
const DIAGNOSIS_LINE = new RegExp(String.raw`^\s{1,4}(${DIAGNOSIS_CODE})(?:\s|$)`)

/** Parses Appendices F-J. */
export const parseAppendixFJ = (text: string): AppendixFJ => {
  const nonExtensive = new Set<string>()
  const prostatic = new Set<string>()
  const cc = new Set<string>()
  const mcc = new Set<string>()
  const aliveOnly = new Set<string>()
  const hac: Array<{ id: string; title: string; sdx: Array<string>; procedures: Array<string>; pdx: Array<string> }> = []
  let section: Section = "none"
  let fList: Set<string> | undefined
  let hacPart: "sdx" | "procedures" | "pdx" | "companion" = "sdx"
  for (const line of textLines(text)) {
    const appendix = /^\|\s*Appendix ([F-J])\b/.exec(line)
    if (appendix !== null) {
      section = appendix[1] as Section
      fList = undefined
      continue
    }
    if (isBanner(line)) continue
    if (section === "F") {
      const drg = /^DRG (98\d)\b/.exec(line)
      if (drg !== null) {
        fList = drg[1] === "989" ? nonExtensive : drg[1] === "986" ? prostatic : undefined
        continue
      }
      const m = PROCEDURE_LINE.exec(line)
      if (m !== null) fList?.add(m[1] ?? "")
      continue
    }
    if (section === "H" && /Appendix H Part 2/i.test(line)) {
      section = "H2"
      continue
    }
    if (section === "G" || section === "H" || section === "H2") {
      const m = DIAGNOSIS_LINE.exec(line)
      if (m === null) continue
      const code = m[1] ?? ""
      if (section === "G") cc.add(code)
      else if (section === "H") mcc.add(code)
      else aliveOnly.add(code)
      continue
    }
    if (section === "I") {
      const head = /^HAC (\d+):\s*(.*)$/.exec(line)
      if (head !== null) {
        hac.push({ id: head[1] ?? "", title: (head[2] ?? "").trim(), sdx: [], procedures: [], pdx: [] })
        hacPart = "sdx"
        continue
      }
      const current = hac[hac.length - 1]
      if (current === undefined) continue
      const t = line.trim()
      if (/^SECONDARY DIAGNOS/.test(t)) hacPart = "sdx"
      else if (/PROCEDURES$/.test(t)) hacPart = "procedures"
      else if (/^PRINCIPAL DIAGNOS/.test(t)) hacPart = "pdx"
      // Codes marked only together with the category's own SDX (CAUTI): not modelled, skipped.
      else if (/^IN ADDITION/.test(t)) hacPart = "companion"
      else {
        const m = CODE_LINE.exec(line)
        if (m === null) continue
        const code = m[1] ?? ""
        if (hacPart === "sdx") current.sdx.push(code)
        else if (hacPart === "procedures") current.procedures.push(code)
        else if (hacPart === "pdx") current.pdx.push(code)
      }
    }
  }
  return {
    nonExtensive,
    prostatic,
    cc,
    mcc,
    aliveOnly,
    hac: hac.map((h) => ({
      id: h.id,
      title: h.title,
      sdx: h.sdx,
      ...(h.procedures.length > 0 ? { procedures: h.procedures } : {}),
      ...(h.pdx.length > 0 ? { pdx: h.pdx } : {})
    }))
  }
}
