/**
 * Parses a set of CMS text files given by name (pure: contents in, tables out).
 */
import type { Tables } from "../tables/types.ts"
import { mergeCmsTables, type CmsTables } from "./mergeCms.ts"
import { parseAppendixA } from "./parseAppendixA.ts"
import { parseAppendixB } from "./parseAppendixB.ts"
import { parseAppendixC } from "./parseAppendixC.ts"
import { parseAppendixD, parseAppendixE } from "./parseAppendixDE.ts"
import { parseAppendixFJ } from "./parseAppendixFJ.ts"

/** Which parser reads a file, by its CMS file name (case-insensitive). */
export const cmsFileKind = (name: string): "a" | "b" | "c" | "de" | "fj" | undefined => {
  const n = name.toLowerCase()
  if (n === "appendix_a.txt") return "a"
  if (n === "appendix_b.txt") return "b"
  if (n === "appendix_c.txt") return "c"
  if (n === "appendix_d_e.txt") return "de"
  if (/^appendix_f_[ij]\.txt$/.test(n)) return "fj"
  return undefined
}

/** Parses the recognised files of `files` (name → contents). */
export const parseCmsFiles = (files: ReadonlyMap<string, string>): CmsTables => {
  let out: CmsTables = {}
  for (const [name, text] of files) {
    switch (cmsFileKind(name)) {
      case "a":
        out = { ...out, a: parseAppendixA(text) }
        break
      case "b":
        out = { ...out, b: parseAppendixB(text) }
        break
      case "c":
        out = { ...out, c: parseAppendixC(text) }
        break
      case "de":
        out = { ...out, d: parseAppendixD(text), e: parseAppendixE(text) }
        break
      case "fj":
        out = { ...out, fj: parseAppendixFJ(text) }
        break
      default:
        break
    }
  }
  return out
}

/** What one recognised file held: a line for people and whether it held anything at all. */
const fileSummary = (name: string, text: string): { readonly line: string; readonly entries: number } => {
  const one = parseCmsFiles(new Map([[name, text]]))
  const parts: Array<readonly [number, string]> = []
  if (one.a !== undefined) parts.push([one.a.size, "DRGs"])
  if (one.b !== undefined) parts.push([one.b.size, "principal diagnoses"])
  if (one.c !== undefined) parts.push([one.c.levels.size, "CC/MCC codes"], [one.c.collections.size, "exclusion collections"])
  if (one.d !== undefined) parts.push([one.d.size, "surgical classes"])
  if (one.e !== undefined) parts.push([one.e.size, "procedure codes"])
  if (one.fj !== undefined) {
    parts.push(
      [one.fj.nonExtensive.size, "non-extensive procedures"], [one.fj.cc.size, "CCs"], [one.fj.mcc.size, "MCCs"],
      [one.fj.hac.length, "HAC categories"]
    )
  }
  const entries = parts.reduce((n, [k]) => n + k, 0)
  return { line: `${name}: ${parts.map(([k, what]) => `${k} ${what}`).join(", ")}`, entries }
}

/**
 * Parses CMS files, failing on a recognised file that yields nothing (empty, truncated or
 * not a CMS text file), and says per file what was read.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseCmsFilesChecked = (
  files: ReadonlyMap<string, string>
): { readonly cms: CmsTables; readonly parsed: ReadonlyArray<string> } => {
  const recognised = [...files].filter(([name]) => cmsFileKind(name) !== undefined)
  if (recognised.length === 0) {
    throw new Error(`no CMS appendix file among ${[...files.keys()].join(", ") || "(no files)"}`)
  }
  const parsed: Array<string> = []
  for (const [name, text] of recognised) {
    const summary = fileSummary(name, text)
    if (summary.entries === 0) {
      throw new Error(`${name}: nothing parsed (${text.trim() === "" ? "the file is empty" : "no line has the CMS layout"}); is it a CMS Definitions Manual text file?`)
    }
    parsed.push(summary.line)
  }
  return { cms: parseCmsFiles(new Map(recognised)), parsed }
}

/** Parses CMS files (see parseCmsFilesChecked: throws on a file that yields nothing) and merges them over `base`. */
export const tablesFromCmsFiles = (base: Tables, files: ReadonlyMap<string, string>): Tables =>
  mergeCmsTables(base, parseCmsFilesChecked(files).cms)
