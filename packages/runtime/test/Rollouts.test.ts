import { describe, expect, it } from "@effect/vitest"
import { definePlugin, type PluginContext, type ResamplingPlugin, type RewardPlugin } from "@sapphire-rl/spec"
import { Effect, Layer, Stream } from "effect"
import { type FinishedGroup, RewardScorer, rolloutGroups, type RolloutPrompt } from "../src/index.ts"
import { type EngineCall, fakeEngine } from "./support/fakeEngine.ts"

const ctx = {} as PluginContext

/** Scores 1 when the completion says "yes", logging each scored example. */
const yesReward = (events: Array<string>): RewardPlugin =>
  definePlugin({
    name: "yes",
    version: "0.1.0",
    kind: "reward",
    specRange: "^2.0.0",
    range: { min: 0, max: 1 },
    score: async (batch) => {
      events.push(`score ${batch[0]?.exampleId}`)
      await new Promise((r) => setTimeout(r, 2))
      return batch.map((r) => (r.text === "yes" ? 1 : 0))
    }
  })

const prompts = (n: number): Array<RolloutPrompt> =>
  Array.from({ length: n }, (_, i) => ({ exampleId: `e${i}`, prompt: [i], gold: { drg: 1, title: "t" } }))

const options = {
  groupSize: 4,
  temperature: 1,
  topP: 1,
  topK: 0,
  maxNewTokens: 8,
  promptsPerCall: 2,
  scoringConcurrency: 2,
  policyVersion: 3,
  seed: 11,
  context: () => ctx
}

describe("rolloutGroups", () => {
  it.live("emits scored groups in prompt order, and scoring starts before generation ends", () =>
    Effect.gen(function*() {
      const events: Array<string> = []
      const groups = yield* rolloutGroups(Stream.fromIterable(prompts(6)), options).pipe(
        Stream.runCollect,
        Effect.provide(Layer.mergeAll(
          fakeEngine((p, s) => (s <= p[0]! % 4 ? "yes" : "no"), events),
          RewardScorer.layer([yesReward(events)])
        ))
      )
      expect(groups.map((g) => g.exampleId)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5"])
      // Prompt i answers "yes" on samples 0..i%4: the totals are exact.
      expect(groups[2]?.rewards).toEqual([1, 1, 1, 0])
      expect(groups[0]?.rollouts[1]).toMatchObject({ exampleId: "e0", sampleIndex: 1, text: "no", tokens: 2, policyVersion: 3 })
      expect(groups.every((g) => g.attempts === 1)).toBe(true)
      // Three generate calls of two prompts; the first group is scored before the last call starts.
      const firstScore = events.indexOf("score e0")
      const lastGenerate = events.indexOf("generate 4,5 start")
      expect(firstScore).toBeGreaterThanOrEqual(0)
      expect(firstScore).toBeLessThan(lastGenerate)
    }))

  it.live("resampling retries a flat group at the plugin's temperature, up to maxAttempts, and discards", () =>
    Effect.gen(function*() {
      const events: Array<string> = []
      const calls: Array<EngineCall> = []
      // Retry flat groups at temperature 1.3; discard e1 outright.
      const resampler: ResamplingPlugin = definePlugin({
        name: "retry-flat",
        version: "0.1.0",
        kind: "resampling",
        specRange: "^2.0.0",
        maxAttempts: 3,
        decide: (group) =>
          group.exampleId === "e1"
            ? { action: "discard" }
            : new Set(group.rewards).size > 1
            ? { action: "accept" }
            : { action: "retry", temperature: 1.3 }
      })
      // e0 is flat on the first call and varied after; e2 is flat forever.
      const answer = (p: ReadonlyArray<number>, s: number, call: number) =>
        p[0] === 0 ? (call === 0 || s > 0 ? "no" : "yes") : p[0] === 2 ? "no" : s === 0 ? "yes" : "no"
      const groups: ReadonlyArray<FinishedGroup> = yield* rolloutGroups(Stream.fromIterable(prompts(4)), {
        ...options,
        resampling: resampler
      }).pipe(
        Stream.runCollect,
        Effect.provide(Layer.mergeAll(fakeEngine(answer, events, calls), RewardScorer.layer([yesReward(events)])))
      )
      expect(groups.map((g) => [g.exampleId, g.attempts])).toEqual([["e0", 2], ["e2", 3], ["e3", 1]])
      expect(groups[0]?.rewards).toEqual([1, 0, 0, 0])
      // e2 hit the limit: its last attempt is kept, flat as it is.
      expect(groups[1]?.rewards).toEqual([0, 0, 0, 0])
      const retries = calls.filter((c) => c.prompts.length === 1)
      expect(retries.map((c) => [c.prompts[0]?.[0], c.temperatures[0]])).toEqual(
        expect.arrayContaining([[0, 1.3], [2, 1.3], [2, 1.3]])
      )
      expect(retries).toHaveLength(3)
      // Every generation of a group draws with its own seed.
      const seeds = calls.flatMap((c) => c.seeds)
      expect(new Set(seeds).size).toBe(seeds.length)
    }))
  it.live("a discarding plugin (maxAttempts 1) is asked on the first attempt; emitDiscarded and firstIndex", () =>
    Effect.gen(function*() {
      const events: Array<string> = []
      const calls: Array<EngineCall> = []
      // DAPO's dynamic sampling: one generation per group, flat groups dropped.
      const dropFlat: ResamplingPlugin = definePlugin({
        name: "drop-flat",
        version: "0.1.0",
        kind: "resampling",
        specRange: "^2.0.0",
        maxAttempts: 1,
        decide: (group) => (new Set(group.rewards).size > 1 ? { action: "accept" } : { action: "discard" })
      })
      // Prompt i answers "yes" on samples 0..i%4: e3 (all yes) is flat, the others vary.
      const answer = (p: ReadonlyArray<number>, s: number) => (s <= p[0]! % 4 ? "yes" : "no")
      const run = (extra: { readonly emitDiscarded?: boolean; readonly firstIndex?: number }) =>
        rolloutGroups(Stream.fromIterable(prompts(4)), { ...options, resampling: dropFlat, ...extra }).pipe(
          Stream.runCollect,
          Effect.provide(Layer.mergeAll(fakeEngine(answer, events, calls), RewardScorer.layer([yesReward(events)])))
        )
      const kept = yield* run({})
      expect(kept.map((g) => g.exampleId)).toEqual(["e0", "e1", "e2"])
      expect(kept.every((g) => !g.discarded && g.attempts === 1)).toBe(true)
      const all = yield* run({ emitDiscarded: true, firstIndex: 8 })
      expect(all.map((g) => [g.exampleId, g.discarded, g.index])).toEqual([["e0", false, 8], ["e1", false, 9], ["e2", false, 10], ["e3", true, 11]])
      // No regeneration was made; the offset run drew seeds the first run did not use.
      expect(calls.every((c) => c.prompts.length === 2)).toBe(true)
      const firstSeeds = calls.slice(0, 2).flatMap((c) => c.seeds)
      const offsetSeeds = calls.slice(2).flatMap((c) => c.seeds)
      expect(offsetSeeds.filter((seed) => firstSeeds.includes(seed))).toEqual([])
    }))
})
