/**
 * One SFT optimizer step: next-token loss on completion tokens only.
 *
 * @since 0.1.0
 */
import { backwardOver, type LogprobModel } from "./Backward.ts"
import { sftLoss } from "./Objectives.ts"
import type { Optimizer } from "./Optimizer.ts"

/**
 * A prompt + completion; `start` indexes the first completion token in `ids`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SftExample {
  readonly ids: ReadonlyArray<number>
  readonly start: number
}

/**
 * Metrics of one SFT step.
 *
 * @since 0.1.0
 * @category models
 */
export interface SftStepMetrics {
  /** Mean negative log-likelihood per completion token. */
  readonly loss: number
  readonly tokens: number
  readonly gradNorm: number
  readonly lr: number
}

/**
 * Accumulates the gradient over `examples` (any number of micro-batches of at most
 * `maxTokens` padded tokens) and takes one optimizer step: the loss is the token mean over
 * all completion tokens of the step, whatever the micro-batching.
 *
 * @since 0.1.0
 * @category training
 */
export const sftStep = async (
  model: LogprobModel,
  optimizer: Optimizer,
  examples: ReadonlyArray<SftExample>,
  options: { readonly lr: number; readonly maxTokens: number }
): Promise<SftStepMetrics> => {
  const tokens = examples.reduce((n, e) => n + e.ids.length - e.start, 0)
  if (tokens === 0) throw new RangeError("sftStep: the examples have no completion tokens")
  const sequences = examples.map((e) => ({ ids: e.ids, start: e.start, weight: 1 / tokens }))
  try {
    const { loss } = await backwardOver(model, sequences, options.maxTokens, sftLoss, optimizer.steps())
    const { gradNorm } = await optimizer.step(options.lr)
    return { loss, tokens, gradNorm, lr: options.lr }
  } catch (e) {
    optimizer.zeroGrad()
    throw e
  }
}
