/**
 * The default advantage estimator: GRPO's group normalization.
 *
 * @since 0.1.0
 */
import { type AdvantagePlugin, definePlugin } from "@sapphire-rl/spec"

/**
 * `A_i = (r_i − mean(r)) / (std(r) + 1e-4)` within each group, std with Bessel's correction
 * (as DRG-Sapphire's TRL version computes it; see ../shared/paper/NOTES.md). A group of
 * equal rewards gets zero advantages. The runtime uses this when a run names no advantage
 * plugin, so plain GRPO needs no extra entry.
 *
 * @since 0.1.0
 * @category constructors
 */
export const groupStdAdvantage = (): AdvantagePlugin =>
  definePlugin({
    name: "group-std-advantage",
    version: "0.1.0",
    kind: "advantage",
    specRange: "^2.0.0",
    advantages: (groups) =>
      groups.map((rewards) => {
        const n = rewards.length
        if (n === 0) return []
        const mean = rewards.reduce((s, r) => s + r, 0) / n
        const variance = n > 1 ? rewards.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1) : 0
        const std = Math.sqrt(variance)
        return rewards.map((r) => (r - mean) / (std + 1e-4))
      })
  })
