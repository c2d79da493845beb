/**
 * Parses the CMS title table into typed rows with label-space titles.
 *
 * @since 0.1.0
 */
import type { DrgType } from "@sapphire-rl/spec"
import { CMS_V34_TITLES } from "./cmsTitles.ts"
import { labelTitle } from "./labelTitle.ts"

/**
 * One DRG as the catalog table states it, before decomposition.
 *
 * @since 0.1.0
 */
export interface CatalogRow {
  readonly drg: number
  readonly mdc: string | null
  readonly type: DrgType | null
  /** Title as CMS writes it (W, W/O, &, commas). */
  readonly cmsTitle: string
  /** Title in the label-space form. */
  readonly title: string
}

const ROW = /^(\d{3}) (\d{2}|--) ([PM-]) (.+)$/

let rows: ReadonlyArray<CatalogRow> | undefined

/**
 * The 757 v34 rows in DRG order (parsed once, on first use).
 *
 * @since 0.1.0
 */
export const catalogRows = (): ReadonlyArray<CatalogRow> => {
  if (rows !== undefined) return rows
  const parsed: Array<CatalogRow> = []
  for (const line of CMS_V34_TITLES.split("\n")) {
    if (line.trim() === "") continue
    const m = ROW.exec(line)
    if (m === null) throw new Error(`malformed catalog line: ${line}`)
    const drg = Number(m[1])
    const cmsTitle = m[4]!
    parsed.push({
      drg,
      mdc: m[2] === "--" ? null : m[2]!,
      type: m[3] === "P" ? "surgical" : m[3] === "M" ? "medical" : null,
      cmsTitle,
      title: labelTitle(drg, cmsTitle)
    })
  }
  rows = parsed
  return rows
}
