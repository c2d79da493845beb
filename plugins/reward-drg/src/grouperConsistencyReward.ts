/**
 * A process reward: does the answer follow from the codes the completion states?
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, normalizeAnswer, parseCompletion, type RewardPlugin } from "@sapphire-rl/spec"
import { readCodesLine } from "./codesLine.ts"
import { number, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * Options of `grouperConsistencyReward`.
 *
 * @since 0.1.0
 * @category models
 */
export interface GrouperConsistencyOptions {
  /** Score when the grouper, given the stated codes, derives the answered DRG (default 0.5). */
  readonly agree: number
  /** Score when it derives another DRG, cannot group the codes, or the line is malformed (default −0.5). */
  readonly disagree: number
}

/**
 * When the reasoning of a well-formed completion states its codes on a `Codes:` line
 * (`readCodesLine`), groups them with the run's grouper (`ctx.grouper`) and scores whether
 * the derived DRG's title equals the answer (`agree`) or not (`disagree`). `null` when the
 * format fails or no codes line is given. It rewards consistency between stated codes and
 * answer, not correct codes: pair it with an accuracy reward. Needs a run with a grouper.
 * Records `stated` (fraction of well-formed completions with a codes line) and `agree`
 * (fraction of those that agree).
 *
 * @since 0.1.0
 * @category factories
 */
export const grouperConsistencyReward = definePluginFactory(
  {
    pluginName: "grouper-consistency-reward",
    kind: "reward",
    description: "Process reward: the answer must be the DRG the grouper derives from the codes the completion states on its Codes: line",
    options: optionsSchema({ agree: number(0.5, { min: 0 }), disagree: number(-0.5, { max: 0 }) })
  },
  (options: GrouperConsistencyOptions): RewardPlugin =>
    definePlugin<RewardPlugin>({
      name: "grouper-consistency-reward",
      version: PLUGIN_VERSION,
      kind: "reward",
      specRange: "^2.0.0",
      range: { min: options.disagree, max: options.agree },
      score: (batch, ctx) => {
        const grouper = ctx.grouper
        if (grouper === undefined) {
          throw new Error("grouper-consistency-reward needs a run with a grouper plugin (ctx.grouper is absent)")
        }
        let wellFormed = 0
        let stated = 0
        let agreed = 0
        const scores = batch.map((rollout) => {
          const parsed = parseCompletion(rollout.text)
          if (!parsed.ok) return null
          wellFormed++
          const line = readCodesLine(parsed.think)
          if (line === undefined) return null
          stated++
          if (!line.ok) return options.disagree
          const result = grouper.group(line.input)
          if (result.error !== undefined) return options.disagree
          if (normalizeAnswer(result.title) !== parsed.normalizedAnswer) return options.disagree
          agreed++
          return options.agree
        })
        if (wellFormed > 0) ctx.metric("stated", stated / wellFormed)
        if (stated > 0) ctx.metric("agree", agreed / stated)
        return scores
      }
    })
)
