/**
 * Loss aggregation: how the masked per-token loss is weighted per sequence.
 *
 * @since 2.0.0
 */
import type { PluginBase } from "./Plugin.ts"

/**
 * What an aggregation may depend on, for one micro-batch of a generation batch.
 *
 * @since 2.0.0
 * @category models
 */
export interface AggregationInput {
  /** Completion tokens (mask count) of each sequence in this micro-batch. */
  readonly lengths: ReadonlyArray<number>
  /** Completion tokens of every sequence in the whole generation batch. */
  readonly batchLengths: ReadonlyArray<number>
  /** The completion budget (`maxNewTokens`) of the run. */
  readonly maxCompletionLength: number
}

/**
 * The loss of a micro-batch is `Σ_i w_i Σ_t ℓ_it m_it`, with `w_i` from `sequenceWeights`:
 * GRPO `1/(N·len_i)`, BNPO `1/Σ_micro len`, DAPO `1/Σ_batch len`, Dr. GRPO `1/(N·L_max)`
 * (N: sequences in the generation batch). The micro-batch losses of a generation batch are summed.
 *
 * @since 2.0.0
 * @category models
 */
export interface LossPlugin extends PluginBase<"loss"> {
  readonly sequenceWeights: (input: AggregationInput) => ReadonlyArray<number>
  /** PPO ratio clip range `[1 − low, 1 + high]` for μ > 1 iterations (DAPO's clip-higher); runtime default 0.2 / 0.2. */
  readonly clip?: { readonly low: number; readonly high: number }
}
