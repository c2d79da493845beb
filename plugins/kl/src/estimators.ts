/**
 * Per-token KL estimators, as reference functions.
 *
 * @since 0.1.0
 */
import type { KlEstimator } from "@sapphire-rl/spec"

/**
 * The estimate of `KL(π_θ ‖ π_ref)` at one token from `d = refLogp − logp` (Schulman's
 * "Approximating KL divergence"): `k1 = −d` (unbiased, may be negative), `k2 = d²/2`,
 * `k3 = exp(d) − d − 1` (unbiased and ≥ 0; GRPO's, and DRG-Sapphire's). The trainer applies
 * the same formula to tensors; this is its scalar reference.
 *
 * @since 0.1.0
 * @category estimators
 */
export const klEstimate = (estimator: KlEstimator, logp: number, refLogp: number): number => {
  const d = refLogp - logp
  switch (estimator) {
    case "k1":
      return 0 - d // not -d: no negative zero
    case "k2":
      return (d * d) / 2
    case "k3":
      // expm1 keeps k3 accurate (and ≥ 0) for tiny d, where exp(d) − 1 cancels.
      return Math.expm1(d) - d
  }
}
