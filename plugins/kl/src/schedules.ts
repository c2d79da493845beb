/**
 * KL coefficient schedules.
 *
 * @since 0.1.0
 */

/**
 * Training progress `step / totalSteps`, clamped to [0, 1] (0 when there are no steps).
 *
 * @since 0.1.0
 * @category schedules
 */
export const progress = (step: number, totalSteps: number): number =>
  totalSteps <= 0 ? 0 : Math.min(1, Math.max(0, step / totalSteps))

/**
 * Cosine decay from `beta` at step 0 to `final` at `totalSteps` (paper A.4 with final 0:
 * `β_t = β · 0.5 · (1 + cos(π t / T))`).
 *
 * @since 0.1.0
 * @category schedules
 */
export const cosineBeta = (beta: number, final: number, step: number, totalSteps: number): number =>
  final + (beta - final) * 0.5 * (1 + Math.cos(Math.PI * progress(step, totalSteps)))

/**
 * Linear decay from `beta` at step 0 to `final` at `totalSteps`.
 *
 * @since 0.1.0
 * @category schedules
 */
export const linearBeta = (beta: number, final: number, step: number, totalSteps: number): number =>
  beta + (final - beta) * progress(step, totalSteps)
