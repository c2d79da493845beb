/**
 * Appendix C (CC/MCC levels and PDX exclusions). Format:
 *
 * ```
 * I10 Dx  Lev PDX Exclusions
 * A000     CC 0001:  5 codes  Cholera due to …        (part 1: code, level, collection id)
 * …
 * PDX collection 0001
 *  A000  Cholera due to …                           (the PDX codes of collection 0001)
 * …
 * Appendix C Part 2: …                              (MCCs only if discharged alive)
 *  I462  Cardiac arrest due to underlying cardiac condition
 * ```
 */
import { DIAGNOSIS_CODE } from "../grouper/codes.ts"
import { textLines } from "./textLines.ts"

const LEVEL_LINE = new RegExp(String.raw`^\s*(${DIAGNOSIS_CODE})\s+(CC|MCC)\s+(\d+)\s*:`)
const CODE_LINE = new RegExp(String.raw`^\s*(${DIAGNOSIS_CODE})(?:\s|$)`)

/** The content of Appendix C. */
export interface AppendixC {
  readonly levels: ReadonlyMap<string, { readonly level: "CC" | "MCC"; readonly collection: string }>
  readonly collections: ReadonlyMap<string, ReadonlyArray<string>>
  readonly aliveOnly: ReadonlySet<string>
}

/** Parses Appendix C. */
export const parseAppendixC = (text: string): AppendixC => {
  const levels = new Map<string, { level: "CC" | "MCC"; collection: string }>()
  const collections = new Map<string, Array<string>>()
  const aliveOnly = new Set<string>()
  let section: "none" | "levels" | "collection" | "part2" = "none"
  let collection: Array<string> | undefined
  for (const line of textLines(text)) {
    if (line.trim() === "") continue
    if (/I10 Dx\s+Lev\s+PDX Exclusions/.test(line)) {
      section = "levels"
      continue
    }
    const coll = /PDX collection\s+(\d+)/.exec(line)
    if (coll !== null) {
      section = "collection"
      collection = []
      collections.set(coll[1] ?? "", collection)
      continue
    }
    if (/Appendix C Part 2/i.test(line)) {
      section = "part2"
      continue
    }
    if (/Appendix C Part [3-9]/i.test(line)) {
      section = "none"
      continue
    }
    if (section === "levels") {
      const m = LEVEL_LINE.exec(line)
      if (m !== null) levels.set(m[1] ?? "", { level: m[2] === "MCC" ? "MCC" : "CC", collection: m[3] ?? "" })
    } else if (section === "collection") {
      const m = CODE_LINE.exec(line)
      if (m !== null) collection?.push(m[1] ?? "")
    } else if (section === "part2") {
      const m = CODE_LINE.exec(line)
      if (m !== null) aliveOnly.add(m[1] ?? "")
    }
  }
  return { levels, collections, aliveOnly }
}
