/**
 * AdamW with global-norm clipping and a guard that refuses a non-finite step.
 *
 * @since 0.1.0
 */
import { adamwStep, disposeAdamWState, gradSquaredNorm, makeAdamWState, type AdamWState, type Tensor } from "@sapphire-rl/tensor"
import { Schema } from "effect"

/**
 * The loss or the gradient of a step was NaN or infinite: the step was not applied, the
 * weights are as before it, and the gradients were cleared.
 *
 * @since 0.1.0
 * @category errors
 */
export class NonFiniteError extends Schema.TaggedError<NonFiniteError>()("NonFiniteError", {
  what: Schema.Literals(["loss", "gradient"]),
  value: Schema.Number,
  step: Schema.Number
}) {
  override get message(): string {
    return `non-finite ${this.what} (${this.value}) at optimizer step ${this.step}; the step was skipped and the weights are unchanged`
  }
}

/**
 * Optimizer settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface OptimizerOptions {
  readonly weightDecay?: number
  /** Clip the global gradient norm to this (0 or absent: no clipping). */
  readonly maxGradNorm?: number
  readonly beta1?: number
  readonly beta2?: number
  readonly eps?: number
}

/**
 * What one applied step did.
 *
 * @since 0.1.0
 * @category models
 */
export interface OptimizerStepInfo {
  readonly gradNorm: number
  readonly clipped: boolean
}

/**
 * AdamW over a fixed parameter list.
 *
 * @since 0.1.0
 * @category models
 */
export interface Optimizer {
  readonly params: ReadonlyArray<Tensor>
  readonly state: AdamWState
  /** Steps applied so far. */
  readonly steps: () => number
  /** Checks, clips and applies the accumulated gradients, then clears them. */
  readonly step: (lr: number) => Promise<OptimizerStepInfo>
  /** Clears accumulated gradients without a step. */
  readonly zeroGrad: () => void
  readonly dispose: () => void
}

/**
 * Makes an optimizer for the trainable parameters.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeOptimizer = (params: ReadonlyArray<Tensor>, options: OptimizerOptions = {}): Optimizer => {
  const state = makeAdamWState(params)
  const zeroGrad = () => {
    for (const p of params) p.zeroGrad()
  }
  return {
    params,
    state,
    steps: () => state.step,
    zeroGrad,
    step: async (lr) => {
      const squared = gradSquaredNorm(params.map((p) => p.grad))
      const gradNorm = Math.sqrt(await squared.item())
      squared.dispose()
      if (!Number.isFinite(gradNorm)) {
        zeroGrad()
        throw new NonFiniteError({ what: "gradient", value: gradNorm, step: state.step })
      }
      const max = options.maxGradNorm ?? 0
      const clipped = max > 0 && gradNorm > max
      adamwStep(params, undefined, state, {
        lr,
        weightDecay: options.weightDecay ?? 0,
        ...(options.beta1 === undefined ? {} : { beta1: options.beta1 }),
        ...(options.beta2 === undefined ? {} : { beta2: options.beta2 }),
        ...(options.eps === undefined ? {} : { eps: options.eps }),
        gradScale: clipped ? max / gradNorm : 1
      })
      zeroGrad()
      return { gradNorm, clipped }
    },
    dispose: () => disposeAdamWState(state)
  }
}
