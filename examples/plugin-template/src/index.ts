/**
 * A minimal Sapphire-RL plugin package: a reward that penalizes completions longer than a
 * token budget. Copy this folder to start your own plugin.
 */
import { definePlugin, definePluginFactory, type PluginPackage, type RewardPlugin, type StandardSchemaV1 } from "@sapphire-rl/spec"

export interface BrevityOptions {
  /** Completion tokens allowed before the penalty starts (default 64). */
  readonly budget: number
  /** Penalty per token over the budget (default 0.01). */
  readonly perToken: number
}

// Any Standard Schema works here (Effect's Schema.toStandardSchemaV1, Zod, Valibot); this one is hand-written
// so the template needs nothing but the spec.
const options: StandardSchemaV1<unknown, BrevityOptions> = {
  "~standard": {
    version: 1,
    vendor: "plugin-template",
    validate: (input) => {
      const o = (input ?? {}) as Partial<Record<keyof BrevityOptions, unknown>>
      const budget = o.budget ?? 64
      const perToken = o.perToken ?? 0.01
      if (typeof budget !== "number" || !Number.isInteger(budget) || budget < 0) {
        return { issues: [{ message: "expected a non-negative integer", path: ["budget"] }] }
      }
      if (typeof perToken !== "number" || !(perToken >= 0 && perToken <= 1)) {
        return { issues: [{ message: "expected a number in [0, 1]", path: ["perToken"] }] }
      }
      return { value: { budget, perToken } }
    }
  }
}

/** `brevity-reward`: 0 within the budget, `−perToken` per token over it, never below −1. */
export const brevityReward = definePluginFactory(
  { pluginName: "brevity-reward", kind: "reward", description: "penalizes completions longer than a token budget", options },
  ({ budget, perToken }): RewardPlugin =>
    definePlugin({
      name: "brevity-reward",
      version: "0.1.0",
      kind: "reward",
      specRange: "^2.0.0",
      range: { min: -1, max: 0 },
      score: (rollouts) => rollouts.map((r) => (r.tokens <= budget ? 0 : Math.max(-1, -perToken * (r.tokens - budget))))
    })
)

/** What a runtime reads when a run names this package. */
export const sapphirePlugins: PluginPackage["plugins"] = [brevityReward]
