/**
 * Histograms of a record set (DRG, family, tier, difficulty) as plain text.
 */
import type { DrgRecord } from "./Record.ts"

/** Counts of each value, most frequent first (ties by value). */
export const histogram = <K extends string | number>(values: Iterable<K>): ReadonlyArray<readonly [K, number]> => {
  const counts = new Map<K, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1))
}

const block = (name: string, rows: ReadonlyArray<readonly [string | number, number]>, total: number, limit: number): string => {
  const shown = rows.slice(0, limit)
  const lines = shown.map(([k, n]) => `  ${String(n).padStart(7)}  ${((100 * n) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${k}`)
  if (rows.length > limit) lines.push(`  … ${rows.length - limit} more`)
  return `${name} (${rows.length} distinct)\n${lines.join("\n")}`
}

/** The `stats` report: totals, then DRG, family, tier and difficulty histograms. */
export const statsReport = (records: ReadonlyArray<DrgRecord>, limit = 40): string => {
  const total = records.length
  const drg = histogram(records.map((r) => `${String(r.drg).padStart(3, "0")} ${r.title}`))
  return [
    `records: ${total}`,
    block("DRG", drg, total, limit),
    block("family", histogram(records.map((r) => r.family)), total, limit),
    block("tier", histogram(records.map((r) => r.tier)), total, limit),
    block("difficulty", histogram(records.map((r) => r.difficulty)), total, limit)
  ].join("\n\n")
}
