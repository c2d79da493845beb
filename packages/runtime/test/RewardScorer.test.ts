import { describe, expect, it } from "@effect/vitest"
import { definePlugin, type PluginContext, type RewardPlugin, type Rollout } from "@sapphire-rl/spec"
import { Effect } from "effect"
import { RewardScorer, rewardBounds } from "../src/index.ts"

const reward = (name: string, scores: ReadonlyArray<number | null>, weight?: number, range = { min: 0, max: 1 }): RewardPlugin =>
  definePlugin({
    name,
    version: "0.1.0",
    kind: "reward",
    specRange: "^2.0.0",
    ...(weight === undefined ? {} : { weight }),
    range,
    score: async () => scores
  })

const batch: ReadonlyArray<Rollout> = [0, 1, 2].map((i) => ({
  exampleId: "e",
  sampleIndex: i,
  gold: { drg: 1, title: "t" },
  text: "",
  tokens: 1,
  finishReason: "stop" as const,
  policyVersion: 0
}))

const score = (plugins: ReadonlyArray<RewardPlugin>) =>
  Effect.gen(function*() {
    const scorer = yield* RewardScorer
    return yield* scorer.score(batch, () => ({}) as PluginContext)
  }).pipe(Effect.provide(RewardScorer.layer(plugins)))

describe("RewardScorer", () => {
  it.effect("the total is the weighted sum of the non-null scores", () =>
    Effect.gen(function*() {
      const out = yield* score([reward("format", [1, 0, 1], 0.5), reward("accuracy", [1, null, 0], 2)])
      expect(out.totals).toEqual([2.5, 0, 0.5])
      expect(out.byPlugin.get("accuracy")).toEqual([1, null, 0])
      expect(rewardBounds([reward("format", [], 0.5), reward("penalty", [], 1, { min: -1, max: 0 })])).toEqual({ min: -1, max: 0.5 })
    }))

  it.effect("a score outside the plugin's range, or the wrong count, is a RewardError naming the plugin", () =>
    Effect.gen(function*() {
      const outside = yield* Effect.flip(score([reward("bad", [0, 1.5, 0])]))
      expect(outside.message).toBe("bad scored rollout 1 (e) 1.5, outside its range [0, 1]")
      const short = yield* Effect.flip(score([reward("short", [0])]))
      expect(short.message).toBe("short returned 1 scores for 3 rollouts")
    }))
})
