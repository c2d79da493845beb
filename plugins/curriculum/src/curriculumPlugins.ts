/**
 * The curriculum plugins.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, type CurriculumPlugin, type ProbeResult } from "@sapphire-rl/spec"
import { isEasy, isHard, meanReward, type DifficultyThresholds } from "./difficulty.ts"
import { number, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * Options of the probe-based curricula.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProbeCurriculumOptions extends DifficultyThresholds {
  /** Samples per example in the probe pass (default 8, the paper's group size). */
  readonly samples: number
}

const probeFields = {
  samples: number(8, { min: 1, integer: true }),
  easyTolerance: number(0, { min: 0 }),
  hardAtMost: number(0)
}

type Removal = "easy" | "hard" | "both"

const removing = (removal: Removal) => {
  const pluginName = removal === "both" ? "remove-both" : `remove-${removal}`
  return definePluginFactory(
    {
      pluginName,
      kind: "curriculum",
      description:
        removal === "both"
          ? "After a probe pass, train without the easy (all samples at the maximum) and hard (all ≤ 0) examples"
          : removal === "easy"
          ? "After a probe pass, train without the examples all of whose samples scored the maximum"
          : "After a probe pass, train without the examples none of whose samples scored above 0",
      options: optionsSchema(probeFields)
    },
    (options: ProbeCurriculumOptions): CurriculumPlugin =>
      definePlugin<CurriculumPlugin>({
        name: pluginName,
        version: PLUGIN_VERSION,
        kind: "curriculum",
        specRange: "^2.0.0",
        probe: { samples: options.samples },
        prepare: (ids, probe, bounds, ctx) => {
          let easy = 0
          let hard = 0
          const kept = ids.filter((id) => {
            const result = probe.get(id)
            if (result === undefined) return true // not probed: nothing is known against it
            if (removal !== "hard" && isEasy(result.rewards, bounds, options)) return (easy++, false)
            if (removal !== "easy" && isHard(result.rewards, options)) return (hard++, false)
            return true
          })
          ctx.metric("removed-easy", easy)
          ctx.metric("removed-hard", hard)
          ctx.metric("kept", kept.length)
          return kept
        }
      })
  )
}

/**
 * Removes the easy examples (every probe sample at the maximum total reward).
 *
 * @since 0.1.0
 * @category factories
 */
export const removeEasy = removing("easy")

/**
 * Removes the hard examples (every probe sample at most `hardAtMost`, default 0; part of
 * DRG-Sapphire's best run).
 *
 * @since 0.1.0
 * @category factories
 */
export const removeHard = removing("hard")

/**
 * Removes both.
 *
 * @since 0.1.0
 * @category factories
 */
export const removeBoth = removing("both")

/**
 * Orders the examples from easy to hard by their mean probe reward (highest first; ties and
 * unprobed examples keep their order, unprobed last). Nothing is removed.
 *
 * @since 0.1.0
 * @category factories
 */
export const easyToHard = definePluginFactory(
  {
    pluginName: "easy-to-hard",
    kind: "curriculum",
    description: "After a probe pass, train on the examples from the highest mean probe reward to the lowest",
    options: optionsSchema({ samples: probeFields.samples })
  },
  (options: { readonly samples: number }): CurriculumPlugin =>
    definePlugin<CurriculumPlugin>({
      name: "easy-to-hard",
      version: PLUGIN_VERSION,
      kind: "curriculum",
      specRange: "^2.0.0",
      probe: { samples: options.samples },
      prepare: (ids, probe: ReadonlyMap<string, ProbeResult>) => {
        const keyed = ids.map((id, index) => ({ id, index, mean: meanReward(probe.get(id)?.rewards ?? []) }))
        keyed.sort((a, b) => {
          if (a.mean === undefined || b.mean === undefined) return a.mean === b.mean ? a.index - b.index : a.mean === undefined ? 1 : -1
          return b.mean - a.mean || a.index - b.index
        })
        return keyed.map((k) => k.id)
      }
    })
)

/**
 * Options of `onlineDifficulty`.
 *
 * @since 0.1.0
 * @category models
 */
export interface OnlineDifficultyOptions {
  /** Lowest pass rate kept (default 0.1). */
  readonly minPassRate: number
  /** Highest pass rate kept (default 0.9). */
  readonly maxPassRate: number
  /** A sample passes when it scores at least `bounds.max − passTolerance` (default 0). */
  readonly passTolerance: number
}

/**
 * Online difficulty filter (the paper's future work): of each scored batch, keep the groups
 * whose pass rate lies in `[minPassRate, maxPassRate]`. With G = 8 the defaults drop the
 * groups that got all or none right. Records `kept` (fraction of groups kept).
 *
 * @since 0.1.0
 * @category factories
 */
export const onlineDifficulty = definePluginFactory(
  {
    pluginName: "online-difficulty",
    kind: "curriculum",
    description: "Per batch, keep the groups whose pass rate lies in [0.1, 0.9]",
    options: optionsSchema(
      { minPassRate: number(0.1, { min: 0, max: 1 }), maxPassRate: number(0.9, { min: 0, max: 1 }), passTolerance: number(0, { min: 0 }) },
      (o) => (o.minPassRate > o.maxPassRate ? [{ path: "maxPassRate", message: `expected a number >= minPassRate (${o.minPassRate}), got ${o.maxPassRate}` }] : [])
    )
  },
  (options: OnlineDifficultyOptions): CurriculumPlugin =>
    definePlugin<CurriculumPlugin>({
      name: "online-difficulty",
      version: PLUGIN_VERSION,
      kind: "curriculum",
      specRange: "^2.0.0",
      selectBatch: (groups, bounds, ctx) => {
        const kept = groups.filter((g) => {
          if (g.rewards.length === 0) return false
          const rate = g.rewards.filter((r) => r >= bounds.max - options.passTolerance).length / g.rewards.length
          return rate >= options.minPassRate && rate <= options.maxPassRate
        })
        if (groups.length > 0) ctx.metric("kept", kept.length / groups.length)
        return kept.map((g) => g.exampleId)
      }
    })
)
