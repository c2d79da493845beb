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

/** Parses CMS files and merges them over `base`. */
export const tablesFromCmsFiles = (base: Tables, files: ReadonlyMap<string, string>): Tables =>
  mergeCmsTables(base, parseCmsFiles(files))
