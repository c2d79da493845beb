/**
 * Resolving free text to a v34 title.
 *
 * @since 0.1.0
 */
import type { Resolution } from "@sapphire-rl/spec"
import { catalogIndex } from "./catalogIndex.ts"
import { normalizeTitle } from "./normalizeTitle.ts"

let byNormalized: Map<string, number> | undefined

const normalizedIndex = (): ReadonlyMap<string, number> => {
  if (byNormalized === undefined) {
    byNormalized = new Map()
    for (const e of catalogIndex().entries) byNormalized.set(normalizeTitle(e.title), e.drg)
  }
  return byNormalized
}

/**
 * Resolves free text to a v34 DRG title.
 *
 * @since 0.1.0
 */
export const resolveTitle = (text: string): Resolution => {
  const index = catalogIndex()
  const exact = index.byExactTitle.get(text)
  if (exact !== undefined) return { ok: true, drg: exact.drg, title: exact.title, method: "exact" }
  const normalized = normalizedIndex().get(normalizeTitle(text))
  if (normalized !== undefined) {
    const e = index.byDrg.get(normalized)!
    return { ok: true, drg: e.drg, title: e.title, method: "normalized" }
  }
  return { ok: false, reason: "no v34 title matches this text", candidates: [] }
}
