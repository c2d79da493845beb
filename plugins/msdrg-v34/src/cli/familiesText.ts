/**
 * `msdrg families`: one line per family (DRG range, MDC, type, split pattern, text).
 */
import type { DrgFamily } from "@sapphire-rl/spec"

const range = (drgs: ReadonlyArray<number>): string => {
  const pad = (n: number) => String(n).padStart(3, "0")
  const first = drgs[0] ?? 0
  const last = drgs[drgs.length - 1] ?? first
  return first === last ? pad(first) : `${pad(first)}-${pad(last)}`
}

/** One family as a text line (tab-separated). */
export const familyLine = (f: DrgFamily): string =>
  [range(f.drgs), f.mdc ?? "-", f.type === "medical" ? "M" : f.type === "surgical" ? "P" : "-", f.pattern, f.family].join("\t")

/** One family as a JSON object. */
export const familyJson = (f: DrgFamily): Record<string, unknown> => ({
  id: f.id,
  drgs: f.drgs,
  range: range(f.drgs),
  mdc: f.mdc,
  type: f.type,
  pattern: f.pattern,
  family: f.family
})
