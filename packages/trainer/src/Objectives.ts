/**
 * The training objectives as tensor expressions over per-token log-probs `lp` ([B, T],
 * aligned with a `PackedBatch`'s targets). They take `lp` rather than a model so the same
 * code is checked against hand-computed values and finite differences on a leaf tensor.
 *
 * @since 0.1.0
 */
import type { KlEstimator } from "@sapphire-rl/spec"
import { abs, add, clamp, exp, fromArray, log, minimum, mul, neg, sub, sum, type Tensor } from "@sapphire-rl/tensor"
import type { PackedBatch } from "./TrainSequence.ts"

const constant = (lp: Tensor, data: Float32Array, batch: PackedBatch): Tensor =>
  fromArray(data, [batch.rows, batch.length], { backend: lp.backend })

/**
 * SFT: `−Σ w_t · lp_t` over completion tokens (the weights carry the normalization, e.g.
 * `1 / completion tokens of the accumulated batch`).
 *
 * @since 0.1.0
 * @category objectives
 */
export const sftLoss = (lp: Tensor, batch: PackedBatch): Tensor => neg(sum(mul(lp, constant(lp, batch.weights, batch))))

/**
 * The per-token KL estimate from `d = ref − lp`: k1 `−d`, k2 `d²/2`, k3 `exp(d) − d − 1`.
 *
 * @since 0.1.0
 * @category objectives
 */
export const klEstimate = (estimator: KlEstimator, lp: Tensor, ref: Tensor): Tensor => {
  const d = sub(ref, lp)
  switch (estimator) {
    case "k1":
      return neg(d)
    case "k2":
      return mul(mul(d, d), 0.5)
    case "k3":
      return sub(sub(exp(d), d), 1)
  }
}

/**
 * Options of the GRPO objective.
 *
 * @since 0.1.0
 * @category models
 */
export interface GrpoObjectiveOptions {
  /** Ratio clip `[1 − low, 1 + high]`. */
  readonly clipLow: number
  readonly clipHigh: number
  /** KL coefficient at this step; 0 leaves the KL term (and `refLogprobs`) out. */
  readonly beta: number
  readonly estimator: KlEstimator
  /**
   * Per-token multipliers `[B, T]` of the policy-gradient term (not of the KL term), e.g.
   * `truncatedImportanceWeights`. Used as constants: no gradient flows through them.
   * Absent: no multiplication at all (the unweighted objective, bit for bit).
   */
  readonly tokenWeights?: Tensor
}

/**
 * The log-probs the ratio is taken against: the batch's `oldLogprobs` when it has them
 * (μ > 1), else `lp` detached (strictly on-policy: the trainer's own log-probs before
 * the update).
 *
 * @since 0.1.0
 * @category objectives
 */
export const behaviourLogprobs = (lp: Tensor, batch: PackedBatch): Tensor =>
  batch.hasOld ? constant(lp, batch.oldLogprobs, batch) : lp.detach()

/**
 * Truncated importance sampling (TIS) for rollouts sampled by another engine or a stale
 * policy: per token `min(exp(old − sampler), cap)`, with `old` the trainer's log-probs
 * before the update (`behaviourLogprobs`) and `sampler` the batch's `samplerLogprobs`.
 * Detached. Positions without loss get `exp(0 − 0) = 1` (the packed arrays are 0 there),
 * and their loss weight is 0 anyway. Throws when the batch has no sampler log-probs or
 * the cap is not > 0.
 *
 * @since 0.1.0
 * @category objectives
 */
export const truncatedImportanceWeights = (lp: Tensor, batch: PackedBatch, cap: number): Tensor => {
  if (!(cap > 0)) throw new RangeError(`truncatedImportanceWeights: the cap must be > 0, got ${cap}`)
  if (!batch.hasSampler) throw new RangeError("truncatedImportanceWeights: the batch has no sampler log-probs")
  return minimum(exp(sub(behaviourLogprobs(lp, batch), constant(lp, batch.samplerLogprobs, batch))), cap).detach()
}

/**
 * GRPO / PPO-clip: `Σ_bt w_bt · ( −c_bt · min(r·A, clip(r, 1−low, 1+high)·A) + β·kl )` with
 * `r = exp(lp − old)` and `c` the optional `tokenWeights` (1 when absent). Without
 * sampling log-probs (`hasOld` false, strictly on-policy) `old` is `lp` detached: `r = 1`
 * with the policy-gradient as its gradient (NOTES.md).
 *
 * @since 0.1.0
 * @category objectives
 */
export const grpoLoss = (lp: Tensor, batch: PackedBatch, options: GrpoObjectiveOptions): Tensor => {
  const old = behaviourLogprobs(lp, batch)
  const ratio = exp(sub(lp, old))
  const advantages = constant(lp, batch.advantages, batch)
  let surrogate = minimum(mul(ratio, advantages), mul(clamp(ratio, 1 - options.clipLow, 1 + options.clipHigh), advantages))
  if (options.tokenWeights !== undefined) {
    const shape = options.tokenWeights.shape
    if (shape.length !== 2 || shape[0] !== batch.rows || shape[1] !== batch.length) {
      throw new RangeError(`grpoLoss: tokenWeights has shape [${shape.join(", ")}], expected [${batch.rows}, ${batch.length}]`)
    }
    surrogate = mul(surrogate, options.tokenWeights.detach())
  }
  let perToken = neg(surrogate)
  if (options.beta !== 0) {
    if (!batch.hasRef) throw new RangeError("grpoLoss: beta is not 0 but the batch has no reference log-probs")
    perToken = add(perToken, mul(klEstimate(options.estimator, lp, constant(lp, batch.refLogprobs, batch)), options.beta))
  }
  return sum(mul(perToken, constant(lp, batch.weights, batch)))
}

/**
 * `log σ(x)` without overflow: `min(x, 0) − log(1 + exp(−|x|))`.
 *
 * @since 0.1.0
 * @category objectives
 */
export const logSigmoid = (x: Tensor): Tensor => sub(minimum(x, 0), log(add(exp(neg(abs(x))), 1)))

/**
 * DPO: `−mean_i log σ(β · ((Σ lp_c − Σ ref_c) − (Σ lp_r − Σ ref_r)))` over pairs; `chosen`
 * and `rejected` are [P, T] log-prob tensors of the pairs' completions (masked positions 0),
 * `refMargin[i]` the reference's `Σ ref_c − Σ ref_r` of pair i.
 *
 * @since 0.1.0
 * @category objectives
 */
export const dpoLoss = (chosen: Tensor, rejected: Tensor, refMargin: ReadonlyArray<number>, beta: number): Tensor => {
  const pairs = refMargin.length
  const margin = sub(sub(sum(chosen, 1), sum(rejected, 1)), fromArray(Float32Array.from(refMargin), [pairs], { backend: chosen.backend }))
  return mul(sum(logSigmoid(mul(margin, beta))), -1 / pairs)
}
