/**
 * What the runtime hands a plugin hook: plain values and callbacks, no Effect, no tensors.
 *
 * @since 2.0.0
 */
import type { Grouper } from "./Grouper.ts"
import type { LabelSpace } from "./LabelSpace.ts"

/**
 * The context of one hook call.
 *
 * @since 2.0.0
 * @category models
 */
export interface PluginContext {
  /** The run's label space (titles, families, tiers, resolution). */
  readonly labelSpace: LabelSpace
  /** The run's grouper, when the run has one (process rewards re-group stated codes). */
  readonly grouper?: Grouper
  /** Optimizer steps taken so far in the current phase (0-based). */
  readonly step: number
  /** Optimizer steps the current phase will take in all. */
  readonly totalSteps: number
  /** Aborted when the run is interrupted; long hooks should stop early. */
  readonly signal: AbortSignal
  /** Records a metric for this step, under the plugin's name (`<plugin>/<name>`). */
  readonly metric: (name: string, value: number) => void
  /** A seeded uniform stream in [0, 1): plugin randomness is reproducible and resumable. */
  readonly random: () => number
  /** Tokens the policy's tokenizer makes of a text (for length-based rules). */
  readonly countTokens: (text: string) => number
}
