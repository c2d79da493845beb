/**
 * Reward plugins: score finished rollouts.
 *
 * @since 2.0.0
 */
import type { Awaitable, PluginBase } from "./Plugin.ts"
import type { PluginContext } from "./Context.ts"
import type { DrgGold, Rollout } from "./Rollout.ts"

/**
 * A reward. The total reward of a rollout is the weighted sum of the non-null scores;
 * `null` means the reward does not apply (e.g. accuracy when the format failed).
 *
 * @since 2.0.0
 * @category models
 */
export interface RewardPlugin<Gold = DrgGold> extends PluginBase<"reward"> {
  /** Weight in the total (1 when absent). */
  readonly weight?: number
  /** The documented bounds of one score; the runtime checks every score against them. */
  readonly range: { readonly min: number; readonly max: number }
  /** One score (or `null`) per rollout, in order. */
  readonly score: (batch: ReadonlyArray<Rollout<Gold>>, ctx: PluginContext) => Awaitable<ReadonlyArray<number | null>>
}
