/**
 * The `PluginContext` each hook call receives: plain values and callbacks. Metrics a hook
 * records land in the current step's record; randomness is seeded per (run seed, phase,
 * step, plugin) so a resumed run draws the same numbers.
 *
 * @since 0.1.0
 */
import type { Grouper, LabelSpace, PluginContext } from "@sapphire-rl/spec"
import { makePrng } from "@sapphire-rl/data"

/**
 * What contexts are made from.
 *
 * @since 0.1.0
 * @category models
 */
export interface PluginContextSource {
  readonly labelSpace: LabelSpace
  readonly grouper?: Grouper
  readonly seed: number
  readonly countTokens: (text: string) => number
  /** Aborted on interruption (Ctrl-C): long hooks should stop early. */
  readonly signal: AbortSignal
}

/** A small, stable string hash (FNV-1a), to derive per-plugin seeds from names. */
const hash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/**
 * A context for `plugin` at `step` of `totalSteps`; `metric` writes `<plugin>/<name>`
 * into `metrics`, as the mean of every value the plugin reported under that name.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pluginContext = (
  source: PluginContextSource,
  plugin: string,
  phase: string,
  step: number,
  totalSteps: number,
  metrics: Map<string, number>
): PluginContext => {
  const tallies = new Map<string, { sum: number; count: number }>()
  const prng = makePrng((source.seed * 1_000_003 + hash(`${phase}/${plugin}`) + step * 7919) % 2 ** 52)
  return {
    labelSpace: source.labelSpace,
    ...(source.grouper === undefined ? {} : { grouper: source.grouper }),
    step,
    totalSteps,
    signal: source.signal,
    metric: (name, value) => {
      // A plugin is called once per group: the step's value is the mean over its calls,
      // not whichever group reported last.
      const key = `${plugin}/${name}`
      const seen = tallies.get(key) ?? { sum: 0, count: 0 }
      seen.sum += value
      seen.count++
      tallies.set(key, seen)
      metrics.set(key, seen.sum / seen.count)
    },
    random: prng.next,
    countTokens: source.countTokens
  }
}

/**
 * The contexts of one step: `context(plugin)` for each hook call of the step, and the
 * metrics the hooks recorded (`<plugin>/<name>`), for the step's metrics line.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stepContexts = (
  source: PluginContextSource,
  phase: string,
  step: number,
  totalSteps: number
): { readonly context: (plugin: string) => PluginContext; readonly metrics: Map<string, number> } => {
  const metrics = new Map<string, number>()
  const made = new Map<string, PluginContext>()
  return {
    metrics,
    context: (plugin) => {
      let ctx = made.get(plugin)
      if (ctx === undefined) {
        ctx = pluginContext(source, plugin, phase, step, totalSteps, metrics)
        made.set(plugin, ctx)
      }
      return ctx
    }
  }
}
