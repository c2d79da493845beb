/**
 * The advantage plugins.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, type AdvantagePlugin } from "@sapphire-rl/spec"
import { computeAdvantages, type AdvantageEstimator } from "./advantage.ts"
import { number, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

const plugin = (estimator: AdvantageEstimator, epsilon: number): AdvantagePlugin =>
  definePlugin<AdvantagePlugin>({
    name: `${estimator}-advantage`,
    version: PLUGIN_VERSION,
    kind: "advantage",
    specRange: "^2.0.0",
    advantages: (groups) => computeAdvantages(estimator, groups, epsilon)
  })

const epsilonSchema = optionsSchema({ epsilon: number(1e-4, { min: 0 }) })

/**
 * GRPO's advantage: `(r − mean) / (std + epsilon)` within each group, std with Bessel's
 * correction; `epsilon` defaults to 1e-4. The default estimator.
 *
 * @since 0.1.0
 * @category factories
 */
export const groupStdAdvantage = definePluginFactory(
  { pluginName: "group-std-advantage", kind: "advantage", description: "GRPO advantage: (r − group mean) / (group std + 1e-4)", options: epsilonSchema },
  (options: { readonly epsilon: number }): AdvantagePlugin => plugin("group-std", options.epsilon)
)

/**
 * Dr. GRPO's advantage: `r − mean` within each group, no std.
 *
 * @since 0.1.0
 * @category factories
 */
export const drGrpoAdvantage = definePluginFactory(
  { pluginName: "dr-grpo-advantage", kind: "advantage", description: "Dr. GRPO advantage: r − group mean (no std)", options: optionsSchema({}) },
  (): AdvantagePlugin => plugin("dr-grpo", 0)
)

/**
 * Batch-std advantage: `(r − group mean) / (std of the batch's rewards + epsilon)`.
 *
 * @since 0.1.0
 * @category factories
 */
export const batchStdAdvantage = definePluginFactory(
  { pluginName: "batch-std-advantage", kind: "advantage", description: "(r − group mean) / (batch std + 1e-4)", options: epsilonSchema },
  (options: { readonly epsilon: number }): AdvantagePlugin => plugin("batch-std", options.epsilon)
)

/**
 * RLOO: each rollout's baseline is the mean reward of the other rollouts of its group.
 *
 * @since 0.1.0
 * @category factories
 */
export const rlooAdvantage = definePluginFactory(
  { pluginName: "rloo-advantage", kind: "advantage", description: "RLOO advantage: r − mean of the other rollouts of the group", options: optionsSchema({}) },
  (): AdvantagePlugin => plugin("rloo", 0)
)
