/**
 * The CoT-first penalty reward.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, normalizeAnswer, parseCompletion, type LabelSpace, type RewardPlugin } from "@sapphire-rl/spec"
import { literal, number, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * The longest prefix of `text` that `countTokens` counts at most `window` tokens in (binary
 * search over character positions; token counts grow with the prefix).
 *
 * @since 0.1.0
 * @category utils
 */
export const tokenPrefix = (text: string, window: number, countTokens: (text: string) => number): string => {
  if (countTokens(text) <= window) return text
  let lo = 0 // countTokens(text.slice(0, lo)) <= window
  let hi = text.length // countTokens(text.slice(0, hi)) > window
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (countTokens(text.slice(0, mid)) <= window) lo = mid
    else hi = mid
  }
  return text.slice(0, lo)
}

const normalizedTitles = new WeakMap<LabelSpace, ReadonlyArray<string>>()

const titlesOf = (labelSpace: LabelSpace): ReadonlyArray<string> => {
  let titles = normalizedTitles.get(labelSpace)
  if (titles === undefined) {
    titles = labelSpace.entries.map((e) => normalizeAnswer(e.title))
    normalizedTitles.set(labelSpace, titles)
  }
  return titles
}

/**
 * Options of `cotFirstPenalty`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CotFirstPenaltyOptions {
  /** Reasoning tokens the DRG must not appear in (default 50). */
  readonly window: number
  /** Score when it does (default −1; the paper's value is not in the text we have). */
  readonly penalty: number
  /** `answer`: the completion's own answer (default); `any-title`: any label-space title. */
  readonly match: "answer" | "any-title"
}

/**
 * The CoT-first penalty (paper A.3): `penalty` when the DRG title appears, whole, within the
 * first `window` tokens of the reasoning (counted with the policy's tokenizer,
 * `ctx.countTokens`; compared after `normalizeAnswer`), else 0; `null` when the format fails.
 * Records `early` (fraction of well-formed completions penalized).
 *
 * @since 0.1.0
 * @category factories
 */
export const cotFirstPenalty = definePluginFactory(
  {
    pluginName: "cot-first-penalty",
    kind: "reward",
    description: "Penalty when the DRG title appears within the first 50 reasoning tokens (forces CoT-first)",
    options: optionsSchema({
      window: number(50, { min: 1, integer: true }),
      penalty: number(-1, { max: 0 }),
      match: literal(["answer", "any-title"], "answer")
    })
  },
  (options: CotFirstPenaltyOptions): RewardPlugin =>
    definePlugin<RewardPlugin>({
      name: "cot-first-penalty",
      version: PLUGIN_VERSION,
      kind: "reward",
      specRange: "^2.0.0",
      range: { min: options.penalty, max: 0 },
      score: (batch, ctx) => {
        let wellFormed = 0
        let early = 0
        const scores = batch.map((rollout) => {
          const parsed = parseCompletion(rollout.text)
          if (!parsed.ok) return null
          wellFormed++
          const prefix = normalizeAnswer(tokenPrefix(parsed.think, options.window, ctx.countTokens))
          const found =
            options.match === "answer"
              ? parsed.normalizedAnswer !== "" && prefix.includes(parsed.normalizedAnswer)
              : titlesOf(ctx.labelSpace).some((title) => prefix.includes(title))
          if (!found) return 0
          early++
          return options.penalty
        })
        if (wellFormed > 0) ctx.metric("early", early / wellFormed)
        return scores
      }
    })
)
