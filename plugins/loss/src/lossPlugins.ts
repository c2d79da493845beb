/**
 * The loss-aggregation plugins.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, type LossPlugin } from "@sapphire-rl/spec"
import { sequenceWeights, type Aggregation } from "./aggregation.ts"
import { number, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * Options of every loss plugin: the PPO ratio clip `[1 − clipLow, 1 + clipHigh]`, which
 * matters only with more than one gradient step per generation batch (the paper runs one,
 * where the ratio is 1).
 *
 * @since 0.1.0
 * @category models
 */
export interface LossOptions {
  readonly clipLow: number
  readonly clipHigh: number
}

const make = (aggregation: Aggregation, defaults: LossOptions, description: string) => {
  const pluginName = `${aggregation}-loss`
  return definePluginFactory(
    {
      pluginName,
      kind: "loss",
      description,
      options: optionsSchema({ clipLow: number(defaults.clipLow, { min: 0, max: 1 }), clipHigh: number(defaults.clipHigh, { min: 0 }) })
    },
    (options: LossOptions): LossPlugin =>
      definePlugin<LossPlugin>({
        name: pluginName,
        version: PLUGIN_VERSION,
        kind: "loss",
        specRange: "^2.0.0",
        clip: { low: options.clipLow, high: options.clipHigh },
        sequenceWeights: (input) => sequenceWeights(aggregation, input)
      })
  )
}

/**
 * GRPO's aggregation (TRL 0.15): mean over sequences of each sequence's token mean.
 *
 * @since 0.1.0
 * @category factories
 */
export const grpoLoss = make("grpo", { clipLow: 0.2, clipHigh: 0.2 }, "GRPO aggregation: mean over sequences of each sequence's token-mean loss")

/**
 * BNPO (TRL): token mean per micro-batch, averaged over micro-batches.
 *
 * @since 0.1.0
 * @category factories
 */
export const bnpoLoss = make("bnpo", { clipLow: 0.2, clipHigh: 0.2 }, "BNPO aggregation: token mean over each micro-batch (TRL's bnpo)")

/**
 * DAPO: token mean over the whole generation batch, with clip-higher (0.2 / 0.28).
 *
 * @since 0.1.0
 * @category factories
 */
export const dapoLoss = make("dapo", { clipLow: 0.2, clipHigh: 0.28 }, "DAPO aggregation: token mean over the generation batch, clip-higher 0.2/0.28")

/**
 * Dr. GRPO: token sum divided by the constant `N · maxCompletionLength`.
 *
 * @since 0.1.0
 * @category factories
 */
export const drGrpoLoss = make("dr-grpo", { clipLow: 0.2, clipHigh: 0.2 }, "Dr. GRPO aggregation: token sum over N · max completion length")
