/**
 * Advantage estimators, as plain functions over the reward groups of a batch.
 *
 * @since 0.1.0
 */

/**
 * The estimators.
 *
 * @since 0.1.0
 * @category models
 */
export type AdvantageEstimator = "group-std" | "dr-grpo" | "batch-std" | "rloo"

const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / xs.length

/**
 * Standard deviation with Bessel's correction (as `torch.std`); 0 for fewer than two values
 * (where torch gives NaN), so a group of one gets advantage 0 rather than NaN.
 *
 * @since 0.1.0
 * @category utils
 */
export const besselStd = (xs: ReadonlyArray<number>): number => {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1))
}

const checkGroups = (groups: ReadonlyArray<ReadonlyArray<number>>): void => {
  groups.forEach((group, g) => {
    const bad = group.findIndex((r) => !Number.isFinite(r))
    if (bad >= 0) throw new RangeError(`groups[${g}][${bad}]: expected a finite reward, got ${group[bad]}`)
  })
}

/**
 * Advantages of every rollout, same shape as `groups`:
 *
 * - `group-std`: `(r_i − mean_g) / (std_g + ε)`, std with Bessel's correction (GRPO; ε = 1e-4
 *   as DRG-Sapphire's TRL);
 * - `dr-grpo`: `r_i − mean_g` (Dr. GRPO drops the std, its question-level difficulty bias);
 * - `batch-std`: `(r_i − mean_g) / (std_batch + ε)`, the group mean with the std of all
 *   rewards of the batch (as REINFORCE++-baseline and "Lite PPO" do);
 * - `rloo`: `r_i − mean_{j≠i} r_j = G/(G−1) · (r_i − mean_g)` (leave-one-out, RLOO);
 *   0 for a group of one.
 *
 * A group whose rewards are all equal gets zeros under every estimator.
 *
 * @since 0.1.0
 * @category advantage
 */
export const computeAdvantages = (
  estimator: AdvantageEstimator,
  groups: ReadonlyArray<ReadonlyArray<number>>,
  epsilon: number
): ReadonlyArray<ReadonlyArray<number>> => {
  checkGroups(groups)
  const batchStd = estimator === "batch-std" ? besselStd(groups.flat()) : 0
  return groups.map((group) => {
    if (group.length === 0) return []
    const m = mean(group)
    switch (estimator) {
      case "group-std": {
        const s = besselStd(group)
        return group.map((r) => (r - m) / (s + epsilon))
      }
      case "dr-grpo":
        return group.map((r) => r - m)
      case "batch-std":
        return group.map((r) => (r - m) / (batchStd + epsilon))
      case "rloo": {
        const g = group.length
        return group.map((r) => (g < 2 ? 0 : (g / (g - 1)) * (r - m)))
      }
    }
  })
}
