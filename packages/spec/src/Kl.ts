/**
 * KL penalty: estimator and schedule.
 *
 * @since 2.0.0
 */
import type { PluginBase } from "./Plugin.ts"

/**
 * Per-token KL estimators of `KL(π_θ ‖ π_ref)` from `d = logπ_ref − logπ_θ`:
 * `k1 = −d`, `k2 = d²/2`, `k3 = exp(d) − d − 1`.
 *
 * @since 2.0.0
 * @category models
 */
export type KlEstimator = "k1" | "k2" | "k3"

/**
 * A KL term `beta(step) · kl` in the per-token loss. When `beta` is 0 at every step of a
 * phase the runtime runs no reference pass at all.
 *
 * @since 2.0.0
 * @category models
 */
export interface KlPlugin extends PluginBase<"kl"> {
  readonly estimator: KlEstimator
  readonly beta: (step: number, totalSteps: number) => number
}
