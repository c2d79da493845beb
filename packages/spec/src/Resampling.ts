/**
 * Dynamic resampling of groups whose rewards do not vary (no learning signal).
 *
 * @since 2.0.0
 */
import type { PluginContext } from "./Context.ts"
import type { PluginBase } from "./Plugin.ts"

/**
 * A scored group, after `attempt` generations of it (1 = the first).
 *
 * @since 2.0.0
 * @category models
 */
export interface ScoredGroup {
  readonly exampleId: string
  /** Total reward of each rollout. */
  readonly rewards: ReadonlyArray<number>
  readonly attempt: number
}

/**
 * What to do with a group: keep it; generate it again (optionally at another
 * temperature), replacing this attempt; or drop it and refill the batch with another
 * prompt (DAPO's dynamic sampling).
 *
 * @since 2.0.0
 * @category models
 */
export type ResampleDecision =
  | { readonly action: "accept" }
  | { readonly action: "retry"; readonly temperature?: number }
  | { readonly action: "discard" }

/**
 * The runtime never makes more than `maxAttempts` generations of one group; at the
 * limit the last attempt is kept, whatever `decide` says.
 *
 * @since 2.0.0
 * @category models
 */
export interface ResamplingPlugin extends PluginBase<"resampling"> {
  readonly maxAttempts: number
  readonly decide: (group: ScoredGroup, ctx: PluginContext) => ResampleDecision
}
