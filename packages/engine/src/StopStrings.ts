/**
 * Stop strings on a growing completion. Checking re-decodes only a tail of the tokens
 * (long enough to hold any stop string, since every token is at least one byte), so the
 * cost per step does not grow with the completion.
 *
 * @since 0.1.0
 */

/**
 * Watches one completion for stop strings.
 *
 * @since 0.1.0
 * @category models
 */
export interface StopStringWatcher {
  /** Whether the text of `ids` now contains a stop string. */
  readonly check: (ids: ReadonlyArray<number>) => boolean
}

/**
 * A watcher for `stops` over a `decode` function.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stopStringWatcher = (
  stops: ReadonlyArray<string>,
  decode: (ids: ReadonlyArray<number>) => string
): StopStringWatcher => {
  if (stops.length === 0) return { check: () => false }
  const encoder = new TextEncoder()
  // A stop string of b bytes spans at most b tokens, plus one more for a token that
  // straddles its start; +2 for partial UTF-8 sequences at the tail's start.
  const window = Math.max(...stops.map((s) => encoder.encode(s).byteLength)) + 3
  return {
    check: (ids) => {
      const tail = decode(ids.slice(Math.max(0, ids.length - window)))
      return stops.some((s) => tail.includes(s))
    }
  }
}

/**
 * Cuts `text` before the first stop string it contains (the earliest position over all
 * stops), as vLLM does by default.
 *
 * @since 0.1.0
 * @category utils
 */
export const truncateAtStop = (text: string, stops: ReadonlyArray<string>): { readonly text: string; readonly stopped: boolean } => {
  let cut = -1
  for (const s of stops) {
    const i = text.indexOf(s)
    if (i >= 0 && (cut < 0 || i < cut)) cut = i
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true }
}
