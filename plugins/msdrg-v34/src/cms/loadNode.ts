/**
 * Reads the CMS "ICD-10 MS-DRG Definitions Manual Text Files" from a directory (Node).
 */
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { builtinTablesV34 } from "../tables/builtinV34.ts"
import type { Tables } from "../tables/types.ts"
import { mergeCmsTables } from "./mergeCms.ts"
import { cmsFileKind, parseCmsFilesChecked } from "./parseCmsFiles.ts"

/**
 * Loads the appendix files found in `dir` (appendix_A, _B, _C, _D_E, _F_J / _F_I), merges
 * them over `base` (default: the built-in v34 tables) and says per file what was parsed.
 * Throws if none is found or one yields nothing.
 */
export const loadCmsTablesReport = async (
  dir: string,
  base: Tables = builtinTablesV34()
): Promise<{ readonly tables: Tables; readonly parsed: ReadonlyArray<string> }> => {
  const names = (await readdir(dir)).filter((name) => cmsFileKind(name) !== undefined).sort()
  if (names.length === 0) throw new Error(`no CMS appendix_*.txt files in ${dir}`)
  const files = new Map<string, string>()
  for (const name of names) files.set(name, await readFile(join(dir, name), "latin1"))
  const { cms, parsed } = parseCmsFilesChecked(files)
  return { tables: mergeCmsTables(base, cms), parsed }
}

/**
 * Loads the appendix files found in `dir` (appendix_A, _B, _C, _D_E, _F_J / _F_I) and
 * merges them over `base` (default: the built-in v34 tables). Throws if none is found or
 * one yields nothing.
 */
export const loadCmsTables = async (dir: string, base: Tables = builtinTablesV34()): Promise<Tables> =>
  (await loadCmsTablesReport(dir, base)).tables
