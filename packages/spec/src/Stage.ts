/**
 * Staged learning: GRPO in phases, with a supervised phase on failed cases between them.
 *
 * @since 2.0.0
 */
import type { ProbeResult, RewardBounds } from "./Curriculum.ts"
import type { PluginContext } from "./Context.ts"
import type { PluginBase } from "./Plugin.ts"

/**
 * What to run between two GRPO phases. `sft`: new reasoning for the chosen cases from
 * the current policy given the gold answer, then SFT on it. `dpo`: the same reasoning as
 * chosen, the policy's own failed completion as rejected.
 *
 * @since 2.0.0
 * @category models
 */
export type StageAction =
  | { readonly kind: "none" }
  | { readonly kind: "sft"; readonly epochs: number; readonly learningRate?: number }
  | { readonly kind: "dpo"; readonly epochs: number; readonly beta: number; readonly learningRate?: number }

/**
 * Splits GRPO into `phases` equal phases; after phase `i` (0-based, all but the last)
 * the runtime probes the training cases and runs `between(i)` on those `selectCases` picks.
 *
 * @since 2.0.0
 * @category models
 */
export interface StagePlugin extends PluginBase<"stage"> {
  readonly phases: number
  readonly probe?: { readonly samples: number }
  readonly between: (phase: number, ctx: PluginContext) => StageAction
  /** Cases for the supervised phase; default: those no probe sample got right (all at the minimum). */
  readonly selectCases?: (probe: ReadonlyArray<ProbeResult>, bounds: RewardBounds) => ReadonlyArray<string>
}
