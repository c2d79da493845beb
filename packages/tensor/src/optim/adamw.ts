/**
 * AdamW update through the fused `adamw` kernel: one dispatch per parameter tensor,
 * in place on the parameter and its moments. The optimizer loop (schedules, clipping
 * policy, accumulation) belongs to the trainer.
 *
 * @since 0.1.0
 */
import { noGrad } from "../autograd/mode.ts"
import { add, square } from "../ops/elementwise.ts"
import { sum } from "../ops/reduce.ts"
import { cast } from "../ops/views.ts"
import { zerosLike } from "../tensor/creation.ts"
import type { Tensor } from "../tensor/Tensor.ts"

/**
 * Hyperparameters of one step.
 *
 * @since 0.1.0
 * @category models
 */
export interface AdamWHyper {
  readonly lr: number
  /** Default 0.9. */
  readonly beta1?: number
  /** Default 0.999. */
  readonly beta2?: number
  /** Default 1e-8. */
  readonly eps?: number
  /** Decoupled weight decay (multiplied by lr). Default 0. */
  readonly weightDecay?: number
  /** Multiplies every gradient first (clipping, accumulation averaging). Default 1. */
  readonly gradScale?: number
}

/**
 * Moments (f32, one pair per parameter, aligned by index) and the step count.
 *
 * @since 0.1.0
 * @category models
 */
export interface AdamWState {
  step: number
  readonly m: ReadonlyArray<Tensor>
  readonly v: ReadonlyArray<Tensor>
}

/**
 * Zero moments for `params` (kept out of every `tidy`; free with `disposeAdamWState`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeAdamWState = (params: ReadonlyArray<Tensor>): AdamWState => ({
  step: 0,
  m: params.map((p) => zerosLike(p, "f32").keep()),
  v: params.map((p) => zerosLike(p, "f32").keep())
})

/**
 * Releases the moments.
 *
 * @since 0.1.0
 * @category memory
 */
export const disposeAdamWState = (state: AdamWState): void => {
  for (const t of [...state.m, ...state.v]) t.dispose()
}

/**
 * One AdamW step: increments `state.step`, then updates each parameter whose gradient
 * is not null (grads default to each parameter's `.grad`).
 *
 * @since 0.1.0
 * @category optimizers
 */
export const adamwStep = (
  params: ReadonlyArray<Tensor>,
  grads: ReadonlyArray<Tensor | null> | undefined,
  state: AdamWState,
  hyper: AdamWHyper
): void => {
  if (state.m.length !== params.length) {
    throw new Error(`adamwStep: state was made for ${state.m.length} parameters, not ${params.length}`)
  }
  // A short list would silently leave the trailing parameters untouched.
  if (grads !== undefined && grads.length !== params.length) {
    throw new Error(`adamwStep: ${grads.length} gradients for ${params.length} parameters`)
  }
  state.step += 1
  const beta1 = hyper.beta1 ?? 0.9
  const beta2 = hyper.beta2 ?? 0.999
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!
    const g = grads === undefined ? p.grad : grads[i] ?? null
    if (g === null) continue
    p.backend.dispatch({
      kernel: "adamw",
      param: p.view,
      grad: g.view,
      m: state.m[i]!.view,
      v: state.v[i]!.view,
      lr: hyper.lr,
      beta1,
      beta2,
      eps: hyper.eps ?? 1e-8,
      weightDecay: hyper.weightDecay ?? 0,
      biasCorrection1: 1 - beta1 ** state.step,
      biasCorrection2: 1 - beta2 ** state.step,
      gradScale: hyper.gradScale ?? 1
    })
  }
}

/**
 * Σ g² over all gradients, as a scalar f32 tensor (for global-norm clipping:
 * gradScale = min(1, maxNorm / sqrt(value))).
 *
 * @since 0.1.0
 * @category optimizers
 */
export const gradSquaredNorm = (grads: ReadonlyArray<Tensor | null>): Tensor =>
  noGrad(() => {
    let total: Tensor | null = null
    for (const g of grads) {
      if (g === null) continue
      // f16 squares overflow above 256: square in f32.
      const g32 = g.dtype === "f32" ? g : cast(g, "f32")
      const sq = square(g32)
      if (g32 !== g) g32.dispose()
      const s = sum(sq)
      sq.dispose()
      const next: Tensor = total === null ? s : add(total, s)
      if (total !== null) {
        total.dispose()
        s.dispose()
      }
      total = next
    }
    if (total === null) throw new Error("gradSquaredNorm: no gradients")
    return total
  })
