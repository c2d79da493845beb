/**
 * Layering configs as a command line does: a preset, then a config file, then flags.
 *
 * @since 0.1.0
 */

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

/**
 * Merges configs as written (before decoding), later ones winning: objects merge key by key;
 * arrays (`stages`, `plugins`) and everything else replace. `undefined` values are skipped,
 * so an unset flag does not erase a file's value.
 *
 * @since 0.1.0
 * @category config
 */
export const mergeRunConfig = (...layers: ReadonlyArray<unknown>): Record<string, unknown> =>
  layers.reduce<Record<string, unknown>>((merged, layer) => {
    if (!isRecord(layer)) return merged
    const out: Record<string, unknown> = { ...merged }
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue
      const previous = out[key]
      out[key] = isRecord(previous) && isRecord(value) ? mergeRunConfig(previous, value) : value
    }
    return out
  }, {})
