/**
 * The MS-DRG v34 label space.
 *
 * @since 0.1.0
 */
import type { DecompositionRule, DrgEntry, DrgFamily, LabelSpace, TitleDecomposition } from "@sapphire-rl/spec"
import { catalogIndex } from "./catalogIndex.ts"
import { decomposeTitle } from "./decomposeTitle.ts"
import { resolveTitle } from "./resolveTitle.ts"

const decompose = (title: string | number, rule: DecompositionRule = "correct"): TitleDecomposition => {
  if (typeof title === "number") {
    const entry = catalogIndex().byDrg.get(title)
    if (entry === undefined) throw new RangeError(`DRG ${title} is not an MS-DRG v34 group`)
    return decomposeTitle(entry.title, rule)
  }
  return decomposeTitle(title, rule)
}

/**
 * MS-DRG v34 (FY2017): 757 DRGs in the DRG-LLaMA / DRG-Sapphire title form, 340 families.
 * Tables are built on first use. `decompose(n)` throws a `RangeError` for a number that is
 * not a v34 DRG.
 *
 * @since 0.1.0
 */
export const labelSpaceV34: LabelSpace = {
  version: "v34",
  get entries(): ReadonlyArray<DrgEntry> {
    return catalogIndex().entries
  },
  get families(): ReadonlyArray<DrgFamily> {
    return catalogIndex().families
  },
  get: (drg) => catalogIndex().byDrg.get(drg),
  byTitle: (title) => catalogIndex().byExactTitle.get(title.trim().toUpperCase()),
  resolve: resolveTitle,
  decompose
}
