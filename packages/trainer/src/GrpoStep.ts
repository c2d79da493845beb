/**
 * One GRPO optimization on a scored generation batch: advantages, reference log-probs when
 * a KL term is active, μ iterations of the clipped objective with the loss plugin's
 * aggregation, one optimizer step per iteration.
 *
 * @since 0.1.0
 */
import type { AdvantagePlugin, KlEstimator, LossPlugin } from "@sapphire-rl/spec"
import { backwardOver, type LogprobModel } from "./Backward.ts"
import { backwardOverGroups } from "./GroupBackward.ts"
import { grpoLoss, truncatedImportanceWeights } from "./Objectives.ts"
import type { Optimizer } from "./Optimizer.ts"
import type { TrainSequence } from "./TrainSequence.ts"

/**
 * A scored group: one prompt, its completions (with the sampler's log-probs) and their
 * total rewards.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScoredGroup {
  readonly prompt: ReadonlyArray<number>
  readonly completions: ReadonlyArray<{
    readonly ids: ReadonlyArray<number>
    readonly logprobs: ReadonlyArray<number>
    readonly finishReason: "stop" | "length"
  }>
  readonly rewards: ReadonlyArray<number>
}

/**
 * Reference log-probs of completions (`sequenceLogprobs(ids, starts)` of a frozen model,
 * or of the same base with LoRA adapters off).
 *
 * @since 0.1.0
 * @category models
 */
export type ReferenceScorer = (
  sequences: ReadonlyArray<ReadonlyArray<number>>,
  starts: ReadonlyArray<number>,
  /** `sharePrefixes`: the caller wants sequences of one prompt scored with the prompt computed once (a hint; the values are the same). */
  options?: {
    readonly sharePrefixes?: boolean
    /** Score under softmax(logits / temperature), as the policy is (default 1). */
    readonly temperature?: number
  }
) => Promise<ReadonlyArray<ArrayLike<number>>>

/**
 * Settings of one GRPO step.
 *
 * @since 0.1.0
 * @category models
 */
export interface GrpoStepOptions {
  readonly advantage: AdvantagePlugin
  readonly loss: LossPlugin
  /** KL coefficient at this step (0: no reference pass) and its estimator. */
  readonly beta: number
  readonly estimator: KlEstimator
  readonly reference?: ReferenceScorer
  readonly lr: number
  /** μ: optimizer steps on this batch; above 1 the ratio uses the sampler's log-probs and is clipped. */
  readonly iterations: number
  /** Clip range when the loss plugin gives none. */
  readonly clip: { readonly low: number; readonly high: number }
  readonly maxCompletionLength: number
  /** Drop completions that hit the token budget from the loss (DAPO's overlong masking). */
  readonly maskTruncated: boolean
  readonly maxTokens: number
  /**
   * Truncated importance sampling: multiply each completion token's policy-gradient term
   * by `min(exp(log p_trainer_old − log p_sampler), cap)` (detached), correcting for a
   * sampler that is not the trainer (another engine's kernels, a stale policy). Absent:
   * no correction. With it and μ > 1 the PPO ratio is taken against the trainer's own
   * log-probs before the update (recomputed, as verl does) instead of the sampler's.
   */
  readonly importanceCap?: number
  /**
   * Prefix sharing: score each prompt once for its completions (`groupTokenLogprobs`) in the
   * policy passes, and ask the reference to do the same. The same loss, gradients and
   * metrics up to float rounding, at a fraction of the work when prompts are long. Default
   * true; used when the model has `groupTokenLogprobs`.
   */
  readonly prefixSharing?: boolean
  /**
   * Score the policy and the reference under softmax(logits / temperature), the
   * distribution rollouts sampled at that temperature came from (as TRL does), so the
   * gradient is that of the sampling policy's expected reward. Default 1 (the model's own
   * distribution). Engines report log-probs at temperature 1, so another value refuses
   * `importanceCap` and leaves `sampler_logprob_delta` / `is_ratio_capped_fraction` at 0.
   */
  readonly temperature?: number
}

/**
 * Metrics of one GRPO step (keys as in metrics.jsonl).
 *
 * @since 0.1.0
 * @category models
 */
export interface GrpoStepMetrics {
  readonly loss: number
  readonly kl: number
  /** Mean −log p of the sampled completion tokens: an entropy estimate. */
  readonly entropy: number
  /** Tokens whose PPO ratio was clipped, over every pass that has an `old` (μ > 1). */
  readonly clip_fraction: number
  readonly zero_std_fraction: number
  readonly truncated_fraction: number
  readonly trained_sequences: number
  readonly train_tokens: number
  readonly grad_norm: number
  readonly lr: number
  /**
   * Sampler vs trainer mismatch on the trained tokens (before the update): mean
   * |log p_trainer − log p_sampler|, and the fraction of tokens whose importance ratio
   * exp(trainer − sampler) exceeds the cap (`importanceCap`; 2 when the correction is
   * off, as a reference). Near 0 with the local engine; rollouts from other kernels or a
   * stale remote policy show up here.
   */
  readonly sampler_logprob_delta: number
  readonly is_ratio_capped_fraction: number
}

const std = (xs: ReadonlyArray<number>): number => {
  if (xs.length < 2) return 0
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1))
}

/**
 * Runs the optimization of one generation batch.
 *
 * Sequences whose advantage is 0 carry no gradient when β = 0 and are left out of the
 * passes (their tokens still count in `batchLengths`, so DAPO's and Dr. GRPO's
 * normalizations are those of the whole batch); micro-batches are formed from the rest.
 *
 * @since 0.1.0
 * @category training
 */
export const grpoStep = async (
  model: LogprobModel,
  optimizer: Optimizer,
  groups: ReadonlyArray<ScoredGroup>,
  options: GrpoStepOptions
): Promise<GrpoStepMetrics> => {
  const advantages = options.advantage.advantages(groups.map((g) => g.rewards))
  const cap = options.importanceCap
  if (cap !== undefined && !(cap > 0)) throw new RangeError(`grpoStep: importanceCap must be > 0, got ${cap}`)
  const correcting = cap !== undefined
  const temperature = options.temperature ?? 1
  if (!(temperature > 0)) throw new RangeError(`grpoStep: temperature must be > 0, got ${temperature}`)
  if (temperature !== 1 && correcting) {
    throw new RangeError(`grpoStep: importanceCap compares with the sampler's log-probs, which engines report at temperature 1, but the policy is scored at temperature ${temperature}; drop one of the two`)
  }
  const scoring: LogprobModel = temperature === 1 ? model : {
    backend: model.backend,
    tokenLogprobs: (ids, targets) => model.tokenLogprobs(ids, targets, temperature),
    ...(model.groupTokenLogprobs === undefined ? {} : { groupTokenLogprobs: (groups) => model.groupTokenLogprobs!(groups, temperature) })
  }
  const all: Array<TrainSequence & { readonly tokens: number; readonly sampled: ReadonlyArray<number> }> = []
  let truncated = 0
  groups.forEach((g, gi) => {
    if (g.completions.length !== g.rewards.length) throw new RangeError(`grpoStep: group ${gi} has ${g.completions.length} completions and ${g.rewards.length} rewards`)
    g.completions.forEach((c, ci) => {
      const masked = options.maskTruncated && c.finishReason === "length"
      if (c.finishReason === "length") truncated++
      const n = c.ids.length
      // An engine that reports no log-probs gives an empty array: no correction for it.
      const sampled = c.logprobs.length > 0 || n === 0
      if (sampled && c.logprobs.length !== n) throw new RangeError(`grpoStep: group ${gi}, completion ${ci}: ${c.logprobs.length} log-probs for ${n} tokens`)
      all.push({
        ids: [...g.prompt, ...c.ids],
        start: g.prompt.length,
        weight: 0,
        advantage: advantages[gi]?.[ci] ?? 0,
        // With the correction, the ratio's `old` is the trainer's own (set after the first pass).
        ...(options.iterations > 1 && !correcting ? { oldLogprobs: c.logprobs } : {}),
        ...(correcting && sampled ? { samplerLogprobs: c.logprobs } : {}),
        ...(masked ? { mask: new Array<number>(n).fill(0) } : {}),
        tokens: masked ? 0 : n,
        sampled: c.logprobs
      })
    })
  })
  const batchLengths = all.map((s) => s.tokens)
  const sharing = (options.prefixSharing ?? true) && scoring.groupTokenLogprobs !== undefined
  const backward: typeof backwardOver = sharing
    ? (_, sequences, maxTokens, objective, step) =>
      backwardOverGroups({ groupTokenLogprobs: (groups) => scoring.groupTokenLogprobs!(groups) }, sequences, maxTokens, objective, step)
    : backwardOver
  let active = all.filter((s) => s.tokens > 0 && (options.beta !== 0 || s.advantage !== 0))
  if (options.beta !== 0 && active.length > 0) {
    if (options.reference === undefined) throw new RangeError("grpoStep: beta is not 0 but no reference scorer was given")
    // Longest first: the scorer's consecutive batches are then length buckets (little padding).
    const order = active.map((_, i) => i).sort((a, b) => active[b]!.ids.length - active[a]!.ids.length || a - b)
    const scored = await options.reference(order.map((i) => active[i]!.ids), order.map((i) => active[i]!.start), { sharePrefixes: sharing, ...(temperature === 1 ? {} : { temperature }) })
    const ref = new Array<ArrayLike<number>>(active.length)
    order.forEach((i, k) => (ref[i] = scored[k]!))
    active = active.map((s, i) => ({ ...s, refLogprobs: Array.from(ref[i]!) }))
  }
  const clip = options.loss.clip ?? options.clip
  const metrics = { loss: 0, kl: 0, entropy: 0, clipped: 0, ratioTokens: 0, tokens: 0, gradNorm: 0, samplerDelta: 0, ratioCapped: 0 }
  const threshold = cap ?? 2
  for (let iteration = 0; iteration < options.iterations && active.length > 0; iteration++) {
    try {
      const { loss, logprobs } = await backward(scoring, active, options.maxTokens, (lp, batch, members) => {
        const weights = options.loss.sequenceWeights({
          lengths: members.map((m) => (m as (typeof active)[number]).tokens),
          batchLengths,
          maxCompletionLength: options.maxCompletionLength
        })
        // The packed weights are per token: sequence weight × mask, row by row.
        for (let row = 0; row < members.length; row++) {
          for (let t = 0; t < batch.length; t++) batch.weights[row * batch.length + t] = (weights[row] ?? 0) * batch.lossMask[row * batch.length + t]!
        }
        const objective = { clipLow: clip.low, clipHigh: clip.high, beta: options.beta, estimator: options.estimator }
        return grpoLoss(lp, batch, cap !== undefined && batch.hasSampler ? { ...objective, tokenWeights: truncatedImportanceWeights(lp, batch, cap) } : objective)
      }, optimizer.steps())
      const info = await optimizer.step(options.lr)
      // The ratio of each pass against its `old` (clip_fraction counts every pass that has one).
      active.forEach((s, i) => {
        if (s.oldLogprobs === undefined) return
        const lp = logprobs[i]!
        for (let k = 0; k < lp.length; k++) {
          if ((s.mask?.[k] ?? 1) === 0) continue
          metrics.ratioTokens++
          const ratio = Math.exp(lp[k]! - s.oldLogprobs[k]!)
          const a = s.advantage ?? 0
          if ((ratio > 1 + clip.high && a > 0) || (ratio < 1 - clip.low && a < 0)) metrics.clipped++
        }
      })
      if (iteration === 0) {
        metrics.loss = loss
        metrics.gradNorm = info.gradNorm
        active.forEach((s, i) => {
          const lp = logprobs[i]!
          for (let k = 0; k < lp.length; k++) {
            if ((s.mask?.[k] ?? 1) === 0) continue
            metrics.tokens++
            metrics.entropy -= lp[k]!
            if (temperature === 1) {
              const delta = lp[k]! - (s.sampled[k] ?? lp[k]!)
              metrics.samplerDelta += Math.abs(delta)
              if (Math.exp(delta) > threshold) metrics.ratioCapped++
            }
            if (s.refLogprobs !== undefined) {
              const d = s.refLogprobs[k]! - lp[k]!
              metrics.kl += options.estimator === "k1" ? -d : options.estimator === "k2" ? d * d / 2 : Math.expm1(d) - d
            }
          }
        })
        // Decoupled PPO: later passes take the ratio against the trainer's log-probs before
        // the update, and the importance weights stay those of the first pass.
        if (correcting && options.iterations > 1) active = active.map((s, i) => ({ ...s, oldLogprobs: Array.from(logprobs[i]!) }))
      }
    } catch (e) {
      optimizer.zeroGrad()
      throw e
    }
  }
  const tokens = Math.max(1, metrics.tokens)
  return {
    loss: metrics.loss,
    kl: metrics.kl / tokens,
    entropy: metrics.entropy / tokens,
    clip_fraction: metrics.clipped / Math.max(1, metrics.ratioTokens),
    zero_std_fraction: groups.filter((g) => std(g.rewards) === 0).length / Math.max(1, groups.length),
    truncated_fraction: truncated / Math.max(1, all.length),
    trained_sequences: active.length,
    train_tokens: active.reduce((n, s) => n + s.ids.length, 0) * Math.max(1, Math.min(options.iterations, active.length > 0 ? options.iterations : 0)),
    grad_norm: metrics.gradNorm,
    lr: options.lr,
    sampler_logprob_delta: metrics.samplerDelta / tokens,
    is_ratio_capped_fraction: metrics.ratioCapped / tokens
  }
}
