/**
 * Just enough semver range matching for a plugin's `specRange` (`^2.0.0`, `~2.1.0`,
 * `>=2.0.0 <4.0.0`, `2.x`, `2.0.0 || 3.0.0`), so the spec needs no dependency.
 * Pre-release versions are matched only by ranges that name them exactly.
 *
 * @since 2.0.0
 */

type Triple = readonly [number, number, number]

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/
const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/
const COMPARATOR = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/

const compare = (a: Triple, b: Triple): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

const parsePartial = (text: string): ReadonlyArray<number | null> | undefined => {
  const m = PARTIAL.exec(text)
  if (m === null) return undefined
  return [m[1], m[2], m[3]].map((part) => (part === undefined || /^[xX*]$/.test(part) ? null : Number(part)))
}

/** One comparator as a predicate over release triples; `undefined` when it does not parse. */
const comparator = (text: string): ((v: Triple) => boolean) | undefined => {
  const m = COMPARATOR.exec(text)
  if (m === null) return undefined
  const op = m[1] ?? ""
  const parts = parsePartial(m[2] ?? "")
  if (parts === undefined) return undefined
  const [major, minor, patch] = parts
  if (major === null || major === undefined) return () => true
  const low: Triple = [major, minor ?? 0, patch ?? 0]
  // The first version past what a partial version or a caret/tilde allows.
  const wildcardHigh: Triple = minor === null || minor === undefined ? [major + 1, 0, 0] : patch === null || patch === undefined ? [major, minor + 1, 0] : [major, minor, patch + 1]
  const between = (hi: Triple) => (v: Triple) => compare(v, low) >= 0 && compare(v, hi) < 0
  switch (op) {
    case "^": {
      const hi: Triple = major > 0 || minor === null || minor === undefined
        ? [major + 1, 0, 0]
        : minor > 0 || patch === null || patch === undefined ? [0, minor + 1, 0] : [0, 0, (patch ?? 0) + 1]
      return between(hi)
    }
    case "~":
      return between(minor === null || minor === undefined ? [major + 1, 0, 0] : [major, minor + 1, 0])
    case ">=":
      return (v) => compare(v, low) >= 0
    case ">":
      return (v) => compare(v, wildcardHigh) >= 0
    case "<=":
      return (v) => compare(v, wildcardHigh) < 0
    case "<":
      return (v) => compare(v, low) < 0
    default:
      return between(wildcardHigh)
  }
}

/**
 * Whether `range` parses as a semver range this module understands.
 *
 * @since 2.0.0
 * @category predicates
 */
export const isValidRange = (range: string): boolean =>
  range.trim() !== "" &&
  range.split("||").every((alternative) => {
    const parts = alternative.trim().split(/\s+/).filter((p) => p !== "")
    return parts.length > 0 && parts.every((p) => comparator(p) !== undefined)
  })

/**
 * Whether `version` satisfies `range` (npm semantics for the forms listed above).
 *
 * @since 2.0.0
 * @category predicates
 */
export const satisfiesRange = (version: string, range: string): boolean => {
  const m = VERSION.exec(version.trim())
  if (m === null) return false
  if (m[4] !== undefined) {
    return range.split("||").some((alternative) => alternative.trim().replace(/^=/, "") === version.trim())
  }
  if (!isValidRange(range)) return false
  const v: Triple = [Number(m[1]), Number(m[2]), Number(m[3])]
  return range.split("||").some((alternative) =>
    alternative.trim().split(/\s+/).filter((p) => p !== "").every((p) => comparator(p)?.(v) === true)
  )
}
