/**
 * Per-sequence weights of the four loss aggregations, as plain functions.
 *
 * @since 0.1.0
 */
import type { AggregationInput } from "@sapphire-rl/spec"

/**
 * The aggregations: how the masked per-token loss `ℓ_it` is normalized (paper §3.3, A.5).
 *
 * @since 0.1.0
 * @category models
 */
export type Aggregation = "grpo" | "bnpo" | "dapo" | "dr-grpo"

const sum = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0)

const checkInput = ({ lengths, batchLengths, maxCompletionLength }: AggregationInput): void => {
  for (const [name, xs] of [["lengths", lengths], ["batchLengths", batchLengths]] as const) {
    const bad = xs.findIndex((x) => !(Number.isInteger(x) && x >= 0))
    if (bad >= 0) throw new RangeError(`${name}[${bad}]: expected a token count (integer >= 0), got ${xs[bad]}`)
  }
  if (lengths.length > batchLengths.length) {
    throw new RangeError(`lengths has ${lengths.length} sequences, more than the generation batch (batchLengths: ${batchLengths.length})`)
  }
  if (!(Number.isInteger(maxCompletionLength) && maxCompletionLength > 0)) {
    throw new RangeError(`maxCompletionLength: expected an integer > 0, got ${maxCompletionLength}`)
  }
}

/**
 * The weight `w_i` of each sequence of a micro-batch, so that the micro-batch loss is
 * `Σ_i w_i Σ_t ℓ_it m_it` and the generation batch's loss is the sum over its micro-batches.
 * N is the number of sequences in the generation batch, M = N / (sequences in this
 * micro-batch) the number of micro-batches:
 *
 * - `grpo`: `1 / (N · len_i)`, the mean over sequences of each sequence's token mean (TRL
 *   0.15, the paper's Eq. 1); a sequence with no tokens gets 0;
 * - `bnpo`: `1 / (M · Σ_micro len)`, the token mean of each micro-batch, averaged over the
 *   micro-batches (TRL's "bnpo", which DRG-Sapphire's best configuration ran as its DAPO loss);
 * - `dapo`: `1 / Σ_batch len`, the token mean over the whole generation batch (DAPO, Eq. 8);
 * - `dr-grpo`: `1 / (N · maxCompletionLength)`, a constant (Dr. GRPO).
 *
 * All four give weights summing to 1 over a generation batch whose sequences all have the
 * same length L = maxCompletionLength (and to 0 over tokenless sequences).
 *
 * @since 0.1.0
 * @category aggregation
 */
export const sequenceWeights = (aggregation: Aggregation, input: AggregationInput): ReadonlyArray<number> => {
  checkInput(input)
  const { lengths, batchLengths, maxCompletionLength } = input
  const n = batchLengths.length
  switch (aggregation) {
    case "grpo":
      return lengths.map((len) => (len === 0 ? 0 : 1 / (n * len)))
    case "bnpo": {
      const tokens = sum(lengths)
      const microBatches = n / lengths.length
      return lengths.map(() => (tokens === 0 ? 0 : 1 / (microBatches * tokens)))
    }
    case "dapo": {
      const tokens = sum(batchLengths)
      return lengths.map(() => (tokens === 0 ? 0 : 1 / tokens))
    }
    case "dr-grpo":
      return lengths.map(() => 1 / (n * maxCompletionLength))
  }
}
