/**
 * Curriculum: which training examples, in what order.
 *
 * @since 2.0.0
 */
import type { PluginContext } from "./Context.ts"
import type { PluginBase } from "./Plugin.ts"
import type { ScoredGroup } from "./Resampling.ts"

/**
 * How the policy did on one example in the probe pass.
 *
 * @since 2.0.0
 * @category models
 */
export interface ProbeResult {
  readonly exampleId: string
  /** Total reward of each probe sample. */
  readonly rewards: ReadonlyArray<number>
}

/**
 * The bounds of the total reward (from the reward plugins' ranges and weights), so
 * "all samples scored the maximum" can be decided from plain numbers.
 *
 * @since 2.0.0
 * @category models
 */
export interface RewardBounds {
  readonly min: number
  readonly max: number
}

/**
 * Static (`prepare`, after a probe pass of `probe.samples` per example) and online
 * (`selectBatch`, per scored batch) curricula.
 *
 * @since 2.0.0
 * @category models
 */
export interface CurriculumPlugin extends PluginBase<"curriculum"> {
  readonly probe?: { readonly samples: number }
  /** The training ids to use, in order, given the probe results. */
  readonly prepare?: (
    ids: ReadonlyArray<string>,
    probe: ReadonlyMap<string, ProbeResult>,
    bounds: RewardBounds,
    ctx: PluginContext
  ) => ReadonlyArray<string>
  /** Of a scored batch, the example ids to train on. */
  readonly selectBatch?: (groups: ReadonlyArray<ScoredGroup>, bounds: RewardBounds, ctx: PluginContext) => ReadonlyArray<string>
}
