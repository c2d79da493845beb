/**
 * The resampling plugins.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, type PluginContext, type ResampleDecision, type ResamplingPlugin, type ScoredGroup } from "@sapphire-rl/spec"
import { drawTemperature, rewardStd } from "./groupStats.ts"
import { number, numberList, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * Options of the regenerating strategies.
 *
 * @since 0.1.0
 * @category models
 */
export interface RegenerateOptions {
  /** A group whose reward std (Bessel) is below this is regenerated (default 0.1). */
  readonly stdThreshold: number
  /** Generations of one group at most, the first included (default 12). */
  readonly maxAttempts: number
  /** Temperatures a regeneration draws from (default 0.7, 0.8, 0.9, 1.0). */
  readonly temperatures: ReadonlyArray<number>
}

const regenerateSchema = optionsSchema({
  stdThreshold: number(0.1, { min: 0 }),
  maxAttempts: number(12, { min: 1, integer: true }),
  temperatures: numberList([0.7, 0.8, 0.9, 1.0], { min: 0 })
})

/**
 * Why a group needs another generation, or `undefined` when it does not.
 */
type Need = (group: ScoredGroup, options: RegenerateOptions) => "flat" | "no-positive" | undefined

const regenerating = (name: string, need: Need) => (options: RegenerateOptions): ResamplingPlugin =>
  definePlugin<ResamplingPlugin>({
    name,
    version: PLUGIN_VERSION,
    kind: "resampling",
    specRange: "^2.0.0",
    maxAttempts: options.maxAttempts,
    decide: (group: ScoredGroup, ctx: PluginContext): ResampleDecision => {
      const reason = need(group, options)
      // A group of fewer than two rollouts can never vary: regenerating it would only burn
      // attempts. At the limit the runtime keeps the last attempt anyway; say so here too.
      const cannotVary = group.rewards.length < 2
      if (reason === undefined || cannotVary || group.attempt >= options.maxAttempts) {
        ctx.metric("attempts", group.attempt)
        ctx.metric("resolved", reason === undefined ? 1 : 0)
        return { action: "accept" }
      }
      ctx.metric(reason === "flat" ? "retry-flat" : "retry-no-positive", 1)
      return { action: "retry", temperature: drawTemperature(options.temperatures, ctx.random) }
    }
  })

/**
 * DRG-Sapphire's neutral dynamic resampling: regenerate a group whose reward std is below
 * `stdThreshold`, at most `maxAttempts` generations, each at a temperature drawn from
 * `temperatures`; the last attempt is kept even if it is still flat.
 *
 * @since 0.1.0
 * @category factories
 */
export const neutralResampling = definePluginFactory(
  {
    pluginName: "neutral-resampling",
    kind: "resampling",
    description: "Regenerate groups with reward std < 0.1, up to 12 attempts, temperature from {0.7, 0.8, 0.9, 1.0}",
    options: regenerateSchema
  },
  regenerating("neutral-resampling", (group, o) => (rewardStd(group.rewards) < o.stdThreshold ? "flat" : undefined))
)

/**
 * DRG-Sapphire's positive dynamic resampling: as neutral, and also regenerate while no
 * rollout of the group scored above 0.
 *
 * @since 0.1.0
 * @category factories
 */
export const positiveResampling = definePluginFactory(
  {
    pluginName: "positive-resampling",
    kind: "resampling",
    description: "Regenerate groups with reward std < 0.1 or no reward above 0, up to 12 attempts",
    options: regenerateSchema
  },
  regenerating("positive-resampling", (group, o) =>
    rewardStd(group.rewards) < o.stdThreshold ? "flat" : group.rewards.every((r) => r <= 0) ? "no-positive" : undefined
  )
)

/**
 * Options of `dynamicSampling`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DynamicSamplingOptions {
  /** A group whose reward std is at most this is discarded (default 0: all rewards equal). */
  readonly stdThreshold: number
}

/**
 * DAPO's dynamic sampling: discard a group whose rewards do not vary and let the runtime
 * refill the batch with other prompts; never regenerates a group (`maxAttempts` 1). A group
 * of fewer than two rollouts is kept (it cannot vary, and discarding it could starve the batch).
 * Records `discarded` (1 per discarded group, 0 per kept one).
 *
 * @since 0.1.0
 * @category factories
 */
export const dynamicSampling = definePluginFactory(
  {
    pluginName: "dynamic-sampling",
    kind: "resampling",
    description: "DAPO dynamic sampling: discard groups whose rewards are all equal and refill the batch",
    options: optionsSchema({ stdThreshold: number(0, { min: 0 }) })
  },
  (options: DynamicSamplingOptions): ResamplingPlugin =>
    definePlugin<ResamplingPlugin>({
      name: "dynamic-sampling",
      version: PLUGIN_VERSION,
      kind: "resampling",
      specRange: "^2.0.0",
      maxAttempts: 1,
      decide: (group, ctx) => {
        // A group of one cannot vary: discarding it would make the runtime refill forever.
        const flat = group.rewards.length >= 2 && rewardStd(group.rewards) <= options.stdThreshold
        ctx.metric("discarded", flat ? 1 : 0)
        return flat ? { action: "discard" } : { action: "accept" }
      }
    })
)
