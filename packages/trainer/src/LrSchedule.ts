/**
 * Learning-rate schedules.
 *
 * @since 0.1.0
 */

/**
 * Linear warm-up over `warmupSteps`, then cosine decay from `base` to `base · minRatio`
 * at `totalSteps` (a 10% floor by default). Step 0 already trains (`base / warmupSteps`),
 * so no step is spent at lr 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const cosineWithWarmup = (options: {
  readonly base: number
  readonly totalSteps: number
  readonly warmupSteps?: number
  readonly minRatio?: number
}) => (step: number): number => {
  const { base, totalSteps } = options
  const warmup = Math.max(0, Math.floor(options.warmupSteps ?? 0))
  const floor = options.minRatio ?? 0.1
  if (step < warmup) return (base * (step + 1)) / warmup
  const span = Math.max(1, totalSteps - warmup)
  const progress = Math.min(1, (step - warmup) / span)
  return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)))
}

/**
 * A constant learning rate after linear warm-up (DRG-Sapphire's GRPO schedule).
 *
 * @since 0.1.0
 * @category constructors
 */
export const constantWithWarmup = (options: { readonly base: number; readonly warmupSteps?: number }) => (step: number): number => {
  const warmup = Math.max(0, Math.floor(options.warmupSteps ?? 0))
  return step < warmup ? (options.base * (step + 1)) / warmup : options.base
}
