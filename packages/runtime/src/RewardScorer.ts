/**
 * Scoring finished rollouts with the run's reward plugins: every plugin on a batch
 * concurrently (plugins may be async, e.g. a remote grouper), each score checked against
 * the plugin's declared range, the total the weighted sum of the non-null scores.
 *
 * @since 0.1.0
 */
import type { PluginContext, RewardPlugin, Rollout } from "@sapphire-rl/spec"
import { Context, Effect, Layer, Schema } from "effect"

/**
 * A reward plugin failed: it threw, returned the wrong number of scores, or a score
 * outside its declared range.
 *
 * @since 0.1.0
 * @category errors
 */
export class RewardError extends Schema.TaggedError<RewardError>()("RewardError", {
  plugin: Schema.String,
  message: Schema.String,
  cause: Schema.Defect()
}) {}

/**
 * Scores of a batch: per plugin (null: does not apply) and the weighted totals.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScoredBatch {
  readonly byPlugin: ReadonlyMap<string, ReadonlyArray<number | null>>
  readonly totals: ReadonlyArray<number>
}

/**
 * The total reward's bounds, from the plugins' ranges and weights (for curricula).
 *
 * @since 0.1.0
 * @category utils
 */
export const rewardBounds = (plugins: ReadonlyArray<RewardPlugin>): { readonly min: number; readonly max: number } =>
  plugins.reduce(
    (b, p) => {
      const w = p.weight ?? 1
      const lo = Math.min(w * p.range.min, w * p.range.max)
      const hi = Math.max(w * p.range.min, w * p.range.max)
      return { min: b.min + Math.min(0, lo), max: b.max + Math.max(0, hi) }
    },
    { min: 0, max: 0 }
  )

const scoreOne = (plugin: RewardPlugin, batch: ReadonlyArray<Rollout>, ctx: PluginContext) =>
  Effect.tryPromise({
    try: async () => await plugin.score(batch, ctx),
    catch: (cause) =>
      new RewardError({ plugin: plugin.name, message: `${plugin.name} threw: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
  }).pipe(
    Effect.flatMap((scores) => {
      if (!Array.isArray(scores) || scores.length !== batch.length) {
        return Effect.fail(
          new RewardError({
            plugin: plugin.name,
            message: `${plugin.name} returned ${Array.isArray(scores) ? scores.length : typeof scores} scores for ${batch.length} rollouts`,
            cause: undefined
          })
        )
      }
      const bad = scores.findIndex((s) => s !== null && !(Number.isFinite(s) && s >= plugin.range.min && s <= plugin.range.max))
      if (bad >= 0) {
        return Effect.fail(
          new RewardError({
            plugin: plugin.name,
            message: `${plugin.name} scored rollout ${bad} (${batch[bad]?.exampleId}) ${scores[bad]}, outside its range [${plugin.range.min}, ${plugin.range.max}]`,
            cause: undefined
          })
        )
      }
      return Effect.succeed(scores as ReadonlyArray<number | null>)
    })
  )

/**
 * The run's rewards.
 *
 * @since 0.1.0
 * @category services
 */
export class RewardScorer extends Context.Service<RewardScorer, {
  readonly plugins: ReadonlyArray<RewardPlugin>
  /** `context(plugin)` gives each plugin its context for this call. */
  readonly score: (
    batch: ReadonlyArray<Rollout>,
    context: (plugin: string) => PluginContext
  ) => Effect.Effect<ScoredBatch, RewardError>
}>()("@sapphire-rl/runtime/RewardScorer") {
  /**
   * Scores with `plugins`, all of them concurrently on each batch.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = (plugins: ReadonlyArray<RewardPlugin>): Layer.Layer<RewardScorer> =>
    Layer.succeed(RewardScorer, {
      plugins,
      score: Effect.fn("RewardScorer.score")(function*(batch: ReadonlyArray<Rollout>, context: (plugin: string) => PluginContext) {
        const scores = yield* Effect.forEach(plugins, (p) => scoreOne(p, batch, context(p.name)), { concurrency: "unbounded" })
        const byPlugin = new Map(plugins.map((p, i) => [p.name, scores[i] ?? []] as const))
        const totals = batch.map((_: Rollout, r: number) =>
          plugins.reduce((sum, p, i) => {
            const s = scores[i]?.[r]
            return s === null || s === undefined ? sum : sum + (p.weight ?? 1) * s
          }, 0)
        )
        return { byPlugin, totals }
      })
    })
}
