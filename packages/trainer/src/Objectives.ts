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
}

/**
 * GRPO / PPO-clip: `Σ_bt w_bt · ( −min(r·A, clip(r, 1−low, 1+high)·A) + β·kl )` with
 * `r = exp(lp − old)`. Without sampling log-probs (`hasOld` false, strictly on-policy)
 * `old` is `lp` detached: `r = 1` with the policy-gradient as its gradient (NOTES.md).
 *
 * @since 0.1.0
 * @category objectives
 */
export const grpoLoss = (lp: Tensor, batch: PackedBatch, options: GrpoObjectiveOptions): Tensor => {
  const old = batch.hasOld ? constant(lp, batch.oldLogprobs, batch) : lp.detach()
  const ratio = exp(sub(lp, old))
  const advantages = constant(lp, batch.advantages, batch)
  const surrogate = minimum(mul(ratio, advantages), mul(clamp(ratio, 1 - options.clipLow, 1 + options.clipHigh), advantages))
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
