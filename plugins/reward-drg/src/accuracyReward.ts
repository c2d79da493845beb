/**
 * The accuracy reward, in its three schemes.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, parseCompletion, type PluginContext, type Rollout, type RewardPlugin } from "@sapphire-rl/spec"
import { ACCURACY_VALUES, classifyAnswer, type AccuracyOptions, type AccuracyOutcome, type AccuracyScheme } from "./accuracy.ts"
import { literal, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

const OUTCOMES: ReadonlyArray<AccuracyOutcome> = ["exact", "family", "tier", "otherValid", "invalid"]

const METRIC: Readonly<Record<AccuracyOutcome, string>> = {
  exact: "exact",
  family: "family",
  tier: "tier",
  otherValid: "other-valid",
  invalid: "invalid"
}

const makeAccuracyPlugin = (name: string, options: AccuracyOptions): RewardPlugin => {
  const values = ACCURACY_VALUES[options.scheme]
  return definePlugin<RewardPlugin>({
    name,
    version: PLUGIN_VERSION,
    kind: "reward",
    specRange: "^2.0.0",
    range: { min: Math.min(...Object.values(values)), max: Math.max(...Object.values(values)) },
    score: (batch: ReadonlyArray<Rollout>, ctx: PluginContext) => {
      const counts = new Map<AccuracyOutcome, number>()
      let scored = 0
      const scores = batch.map((rollout) => {
        const parsed = parseCompletion(rollout.text)
        // The format reward already penalizes a malformed completion; accuracy does not apply.
        if (!parsed.ok) return null
        const outcome = classifyAnswer(parsed.normalizedAnswer, rollout.gold.title, ctx.labelSpace, options)
        counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
        scored++
        return values[outcome]
      })
      if (scored > 0) {
        for (const outcome of OUTCOMES) {
          if (options.scheme === "strict" && (outcome === "family" || outcome === "tier")) continue
          if (options.scheme === "balanced" && outcome === "tier") continue
          ctx.metric(METRIC[outcome], (counts.get(outcome) ?? 0) / scored)
        }
      }
      return scores
    }
  })
}

const split = literal(["exact", "naive"], "exact")
const goldMatch = literal(["equal", "substring"], "equal")

/**
 * The accuracy reward with its scheme as an option (`scheme`: `"strict"` (default) |
 * `"dense"` | `"balanced"`; `split`: `"exact"` (default) | `"naive"`; `goldMatch`:
 * `"equal"` (default) | `"substring"`). `null` when the completion fails the format check.
 *
 * @since 0.1.0
 * @category factories
 */
export const accuracyReward = definePluginFactory(
  {
    pluginName: "accuracy-reward",
    kind: "reward",
    description: "DRG title accuracy: strict 2/0/−1.5, dense 2/1.5/0.5/−0.5/−1.5 or balanced 2/1/0/−1.5 (option scheme)",
    options: optionsSchema({ scheme: literal(["strict", "dense", "balanced"], "strict"), split, goldMatch })
  },
  (options: AccuracyOptions): RewardPlugin => makeAccuracyPlugin(`${options.scheme}-reward`, options)
)

const preset = (scheme: AccuracyScheme, description: string) =>
  definePluginFactory(
    { pluginName: `${scheme}-reward`, kind: "reward", description, options: optionsSchema({ split, goldMatch }) },
    (options: Omit<AccuracyOptions, "scheme">): RewardPlugin => makeAccuracyPlugin(`${scheme}-reward`, { scheme, ...options })
  )

/**
 * Strict accuracy: 2 for the gold title, 0 for any other valid title, −1.5 for an empty or
 * invalid one (the paper's best reward).
 *
 * @since 0.1.0
 * @category factories
 */
export const strictReward = preset("strict", "DRG title accuracy, strict: 2 exact / 0 other valid title / −1.5 invalid")

/**
 * Dense accuracy: 2 exact, 1.5 family right, 0.5 CC/MCC tier right, −0.5 other valid
 * title, −1.5 invalid.
 *
 * @since 0.1.0
 * @category factories
 */
export const denseReward = preset("dense", "DRG title accuracy, dense: 2 exact / 1.5 family / 0.5 tier / −0.5 other valid / −1.5 invalid")

/**
 * Balanced accuracy (values ours): 2 exact, 1 family right, 0 other valid title, −1.5
 * invalid.
 *
 * @since 0.1.0
 * @category factories
 */
export const balancedReward = preset("balanced", "DRG title accuracy, balanced (our values): 2 exact / 1 family / 0 other valid / −1.5 invalid")
