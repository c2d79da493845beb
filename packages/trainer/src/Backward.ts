/**
 * One backward pass over many sequences: length-bucketed micro-batches, each packed,
 * scored by the model, turned into a loss by an objective and back-propagated, so the
 * gradients of the whole list accumulate in the parameters.
 *
 * @since 0.1.0
 */
import type { PromptGroup } from "@sapphire-rl/model"
import { fromArray, tidy, type Backend, type Tensor } from "@sapphire-rl/tensor"
import { NonFiniteError } from "./Optimizer.ts"
import { bucketByLength, packSequences, type PackedBatch, type TrainSequence } from "./TrainSequence.ts"

/**
 * What the objectives need of a model: per-token log-probs with gradient
 * (`Qwen2Model.tokenLogprobs`).
 *
 * @since 0.1.0
 * @category models
 */
export interface LogprobModel {
  readonly backend: Backend
  /** `temperature`: score under softmax(logits / temperature) (default 1). */
  readonly tokenLogprobs: (ids: Tensor, targets: Tensor, temperature?: number) => Tensor
  /**
   * Prefix-shared log-probs of prompt groups (`Qwen2Model.groupTokenLogprobs`): [ΣG, T],
   * row per completion, column k scoring completion token k. Optional: without it GRPO
   * scores every prompt + completion in full.
   */
  readonly groupTokenLogprobs?: (groups: ReadonlyArray<PromptGroup>, temperature?: number) => Tensor
}

/**
 * The result of `backwardOver`: the summed loss and, per sequence (in input order), the
 * log-probs of its completion tokens under the current weights.
 *
 * @since 0.1.0
 * @category models
 */
export interface BackwardResult {
  readonly loss: number
  readonly logprobs: ReadonlyArray<Float32Array>
}

/**
 * Accumulates the gradient of `Σ objective(micro-batch)` into the model's parameters.
 * A non-finite loss stops with `NonFiniteError` before its backward, so no NaN reaches
 * the gradients (earlier micro-batches' gradients stay; the caller clears them).
 *
 * @since 0.1.0
 * @category training
 */
export const backwardOver = async (
  model: LogprobModel,
  sequences: ReadonlyArray<TrainSequence>,
  maxTokens: number,
  objective: (lp: Tensor, batch: PackedBatch, sequences: ReadonlyArray<TrainSequence>) => Tensor,
  step = 0
): Promise<BackwardResult> => {
  const logprobs: Array<Float32Array> = new Array(sequences.length)
  let total = 0
  for (const bucket of bucketByLength(sequences, maxTokens)) {
    const members = bucket.map((b) => b.sequence)
    const batch = packSequences(members)
    const lp = await backwardBatch(batch, members, objective, step, () => {
      const ids = fromArray(batch.inputs, [batch.rows, batch.length], { backend: model.backend, dtype: "i32" })
      const targets = fromArray(batch.targets, [batch.rows, batch.length], { backend: model.backend, dtype: "i32" })
      return model.tokenLogprobs(ids, targets)
    })
    total += lp.loss
    bucket.forEach(({ index, sequence }, row) => {
      const from = row * batch.length + sequence.start - 1
      logprobs[index] = lp.values.slice(from, from + sequence.ids.length - sequence.start)
    })
  }
  return { loss: total, logprobs }
}

/**
 * One micro-batch: `score()` gives its log-probs [rows, length] (aligned with `batch`),
 * the objective its loss, which is checked finite and back-propagated. Returns the loss
 * and the log-probs on the host.
 *
 * @since 0.1.0
 * @category training
 */
export const backwardBatch = async (
  batch: PackedBatch,
  members: ReadonlyArray<TrainSequence>,
  objective: (lp: Tensor, batch: PackedBatch, sequences: ReadonlyArray<TrainSequence>) => Tensor,
  step: number,
  score: () => Tensor
): Promise<{ readonly loss: number; readonly values: Float32Array }> => {
  const { loss, lp } = tidy(() => {
    const lp = score()
    return { loss: objective(lp, batch, members), lp: lp.detach() }
  })
  try {
    const value = await loss.item()
    if (!Number.isFinite(value)) throw new NonFiniteError({ what: "loss", value, step })
    loss.backward()
    return { loss: value, values: (await lp.toArray()) as Float32Array }
  } finally {
    loss.dispose()
    lp.dispose()
  }
}
