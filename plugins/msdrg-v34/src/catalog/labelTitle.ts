/**
 * Derives the label-space title of a DRG from its CMS title.
 *
 * @since 0.1.0
 */
import { LABEL_QUIRKS, type LabelQuirk } from "./labelQuirks.ts"
import { normalizeTitle } from "./normalizeTitle.ts"

let quirksByDrg: Map<number, Array<LabelQuirk>> | undefined

const quirksFor = (drg: number): ReadonlyArray<LabelQuirk> => {
  if (quirksByDrg === undefined) {
    quirksByDrg = new Map()
    for (const quirk of LABEL_QUIRKS) {
      for (const d of quirk.drgs) {
        const list = quirksByDrg.get(d) ?? []
        list.push(quirk)
        quirksByDrg.set(d, list)
      }
    }
  }
  return quirksByDrg.get(drg) ?? []
}

/**
 * The label-space title of `drg`: the normalized CMS title with that DRG's quirks applied.
 * Throws when a quirk no longer matches, so a stale quirk cannot pass silently.
 *
 * @since 0.1.0
 */
export const labelTitle = (drg: number, cmsTitle: string): string => {
  let title = normalizeTitle(cmsTitle)
  for (const quirk of quirksFor(drg)) {
    if (!title.includes(quirk.from)) {
      throw new Error(`label quirk for DRG ${drg} does not match: "${quirk.from}" not in "${title}"`)
    }
    title = title.replace(quirk.from, quirk.to)
  }
  return title
}
