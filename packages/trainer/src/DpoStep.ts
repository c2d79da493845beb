/**
 * One DPO step (Rafailov et al. 2023) for staged learning: the hard cases' chosen
 * completions against their rejected ones, relative to a reference.
 *
 * DPO couples a pair's two sequences through their summed log-probs, and the loss's
 * derivative in a sequence's summed log-prob is one number for all its tokens. So the step
 * scores every sequence once without gradient, computes those numbers on the host, and then
 * backpropagates Σ_t d_i·logp_it over length-bucketed micro-batches: any bucketing gives
 * the gradient of the whole batch's loss.
 *
 * @since 0.1.0
 */
import { backwardOver, type LogprobModel } from "./Backward.ts"
import type { ReferenceScorer } from "./GrpoStep.ts"
import { sftLoss } from "./Objectives.ts"
import type { Optimizer } from "./Optimizer.ts"
import { NonFiniteError } from "./Optimizer.ts"

/**
 * A preference pair: one prompt, the preferred and the dispreferred completion (token ids).
 *
 * @since 0.1.0
 * @category models
 */
export interface PreferencePair {
  readonly prompt: ReadonlyArray<number>
  readonly chosen: ReadonlyArray<number>
  readonly rejected: ReadonlyArray<number>
}

/**
 * A model DPO can score without gradient (Qwen2Model's `sequenceLogprobs`).
 *
 * @since 0.1.0
 * @category models
 */
export interface DpoModel extends LogprobModel {
  readonly sequenceLogprobs: (sequences: ReadonlyArray<ReadonlyArray<number>>, starts: ReadonlyArray<number>) => Promise<ReadonlyArray<ArrayLike<number>>>
}

/**
 * What a DPO step reports.
 *
 * @since 0.1.0
 * @category models
 */
export interface DpoStepMetrics {
  /** Mean −log σ(β·margin) over the pairs, before the update. */
  readonly loss: number
  /** Mean implicit-reward margin β·((πc − refc) − (πr − refr)). */
  readonly margin: number
  /** Fraction of pairs whose margin is positive. */
  readonly accuracy: number
  readonly tokens: number
  readonly gradNorm: number
  readonly lr: number
}

const sumOf = (xs: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]!
  return s
}

/**
 * Accumulates the gradient of the mean DPO loss over `pairs` into the parameters' `.grad`
 * (no optimizer step). Throws `NonFiniteError` on a non-finite loss.
 *
 * @since 0.1.0
 * @category training
 */
export const dpoBackward = async (
  model: DpoModel,
  pairs: ReadonlyArray<PreferencePair>,
  options: { readonly beta: number; readonly reference: ReferenceScorer; readonly maxTokens: number; readonly step?: number }
): Promise<Omit<DpoStepMetrics, "gradNorm" | "lr">> => {
  if (pairs.length === 0) throw new RangeError("dpoStep: no pairs")
  pairs.forEach((p, i) => {
    if (p.prompt.length === 0 || p.chosen.length === 0 || p.rejected.length === 0) {
      throw new RangeError(`dpoStep: pair ${i} has an empty prompt, chosen or rejected completion`)
    }
  })
  // Sequences 2i (chosen) and 2i + 1 (rejected).
  const seqs = pairs.flatMap((p) => [[...p.prompt, ...p.chosen], [...p.prompt, ...p.rejected]])
  const starts = pairs.flatMap((p) => [p.prompt.length, p.prompt.length])
  const [policy, reference] = [await model.sequenceLogprobs(seqs, starts), await options.reference(seqs, starts)]
  const P = pairs.length
  let loss = 0
  let margins = 0
  let wins = 0
  const d = new Array<number>(seqs.length)
  for (let i = 0; i < P; i++) {
    const m = options.beta * ((sumOf(policy[2 * i]!) - sumOf(reference[2 * i]!)) - (sumOf(policy[2 * i + 1]!) - sumOf(reference[2 * i + 1]!)))
    // −log σ(m) = softplus(−m), without overflow; d/dm = −σ(−m).
    loss += (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m))) / P
    const s = 1 / (1 + Math.exp(m))
    d[2 * i] = (-options.beta * s) / P
    d[2 * i + 1] = (options.beta * s) / P
    margins += m / P
    if (m > 0) wins++
  }
  if (!Number.isFinite(loss)) throw new NonFiniteError({ what: "loss", value: loss, step: options.step ?? 0 })
  // sftLoss is −Σ w·logp, so weight −d_i backpropagates d_i into every token of sequence i.
  const sequences = seqs.map((ids, i) => ({ ids, start: starts[i]!, weight: -d[i]! }))
  await backwardOver(model, sequences, options.maxTokens, sftLoss, options.step ?? 0)
  return { loss, margin: margins, accuracy: wins / P, tokens: pairs.reduce((n, p) => n + p.chosen.length + p.rejected.length, 0) }
}

/**
 * One DPO optimizer step on `pairs` (all of them one step; `maxTokens` bounds a pass).
 * `reference` scores the reference policy: for a LoRA policy, the same model with
 * `{ adapter: "base" }`; for a full fine-tune, a frozen copy.
 *
 * @since 0.1.0
 * @category training
 */
export const dpoStep = async (
  model: DpoModel,
  optimizer: Optimizer,
  pairs: ReadonlyArray<PreferencePair>,
  options: { readonly beta: number; readonly reference: ReferenceScorer; readonly lr: number; readonly maxTokens: number }
): Promise<DpoStepMetrics> => {
  try {
    const r = await dpoBackward(model, pairs, { ...options, step: optimizer.steps() })
    const { gradNorm } = await optimizer.step(options.lr)
    return { ...r, gradNorm, lr: options.lr }
  } catch (e) {
    optimizer.zeroGrad()
    throw e
  }
}
