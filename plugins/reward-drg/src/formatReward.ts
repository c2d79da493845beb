/**
 * The format reward.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, parseCompletion, type RewardPlugin } from "@sapphire-rl/spec"
import { number, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * Options of `formatReward`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FormatRewardOptions {
  /** Score of a completion that does not have the think/answer format (default −2). */
  readonly penalty: number
}

/**
 * The format reward of DRG-Sapphire: 0 when the whole completion is
 * `<think>…</think><answer>…</answer>` (spec's `parseCompletion`), else `penalty` (−2).
 * Records `format-ok` (the fraction that had the format) per batch.
 *
 * @since 0.1.0
 * @category factories
 */
export const formatReward = definePluginFactory(
  {
    pluginName: "format-reward",
    kind: "reward",
    description: "0 for a <think>…</think><answer>…</answer> completion, −2 otherwise (DRG-Sapphire's format reward)",
    options: optionsSchema({ penalty: number(-2, { max: 0 }) })
  },
  (options: FormatRewardOptions): RewardPlugin =>
    definePlugin<RewardPlugin>({
      name: "format-reward",
      version: PLUGIN_VERSION,
      kind: "reward",
      specRange: "^2.0.0",
      range: { min: options.penalty, max: 0 },
      score: (batch, ctx) => {
        const scores = batch.map((rollout) => (parseCompletion(rollout.text).ok ? 0 : options.penalty))
        if (batch.length > 0) ctx.metric("format-ok", scores.filter((s) => s === 0).length / batch.length)
        return scores
      }
    })
)
