import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { PluginImporter, resolveRun } from "../src/index.ts"

// The real first-party packages that are on main, found by the platform's import(): the
// catalog skips the ones not installed yet and names them.
const resolve = (input: unknown) => resolveRun(input).pipe(Effect.provide(PluginImporter.layer))

describe("first-party plugin packages", () => {
  it.effect("@sapphire-rl/plugin-reward-drg's factories resolve by short name, options decoded by its schema", () =>
    Effect.gen(function*() {
      const run = yield* resolve({
        stages: [{ kind: "eval" }],
        plugins: ["format-reward", { use: "accuracy-reward", options: { scheme: "dense", split: "naive" } }]
      })
      expect(run.plugins.rewards.map((p) => p.name)).toEqual(["format-reward", "dense-reward"])
      expect(run.catalog.packages.has("@sapphire-rl/plugin-reward-drg")).toBe(true)
      const error = yield* Effect.flip(resolve({
        stages: [{ kind: "eval" }],
        plugins: [{ use: "accuracy-reward", options: { scheme: "exactish" } }]
      }))
      expect(error.issues).toEqual([
        { path: "plugins[0].options.scheme", message: `expected "strict" | "dense" | "balanced", got "exactish"` }
      ])
    }))
})

describe("every first-party plugin package", () => {
  it.effect("loads without problems, and each of its factories is found by its short name", () =>
    Effect.gen(function*() {
      const { catalog } = yield* resolve({ stages: [{ kind: "eval" }], plugins: ["format-reward"] })
      expect(catalog.problems).toEqual([])
      expect(catalog.missing).toEqual([])
      const names = [
        ["@sapphire-rl/plugin-reward-drg", ["format-reward", "accuracy-reward", "strict-reward", "dense-reward", "balanced-reward", "grouper-consistency-reward"]],
        ["@sapphire-rl/plugin-loss", ["grpo-loss", "bnpo-loss", "dapo-loss", "dr-grpo-loss", "group-std-advantage", "dr-grpo-advantage", "batch-std-advantage", "rloo-advantage"]],
        ["@sapphire-rl/plugin-kl", ["constant-kl", "cosine-kl", "linear-kl", "no-kl"]],
        ["@sapphire-rl/plugin-resampling", ["neutral-resampling", "positive-resampling", "dynamic-sampling"]],
        ["@sapphire-rl/plugin-curriculum", ["remove-easy", "remove-hard", "remove-both", "easy-to-hard", "online-difficulty"]],
        ["@sapphire-rl/plugin-staged", ["staged-sft", "staged-dpo"]],
        ["@sapphire-rl/plugin-cognitive", ["answer-first", "cot-first", "cot-first-penalty", "differential-thinking"]]
      ] as const
      for (const [packageName, shortNames] of names) {
        for (const name of shortNames) expect(catalog.byName.get(name)?.packageName, name).toBe(packageName)
      }
    }))
  it.effect("one of each kind resolves into a run's plugin set", () =>
    Effect.gen(function*() {
      const run = yield* resolve({
        stages: [{ kind: "eval" }],
        plugins: ["format-reward", "strict-reward", "dapo-loss", "group-std-advantage", "cosine-kl", "neutral-resampling", "remove-hard", "answer-first"]
      })
      const p = run.plugins
      expect(p.rewards.map((r) => r.name)).toEqual(["format-reward", "strict-reward"])
      expect([p.loss?.name, p.advantage.name, p.kl?.name, p.resampling?.name, p.behaviour?.name]).toEqual([
        "dapo-loss",
        "group-std-advantage",
        "cosine-kl",
        "neutral-resampling",
        "answer-first"
      ])
      expect(p.curricula.map((c) => c.name)).toEqual(["remove-hard"])
    }))

  it.effect("the paper's best configuration resolves from the real packages into its slots", () =>
    Effect.gen(function*() {
      const run = yield* resolve({ plugins: ["strict-reward", "format-reward", "dapo-loss", "cosine-kl", "remove-hard"] })
      expect(run.plugins.rewards.map((p) => p.name)).toEqual(["strict-reward", "format-reward"])
      expect(run.plugins.loss?.name).toBe("dapo-loss")
      expect(run.plugins.loss?.clip).toEqual({ low: 0.2, high: 0.28 })
      expect(run.plugins.kl?.name).toBe("cosine-kl")
      expect(run.plugins.curricula.map((p) => p.name)).toEqual(["remove-hard"])
      expect(run.catalog.missing).toEqual([])
      const two = yield* Effect.flip(resolve({ plugins: ["strict-reward", "dapo-loss", "dr-grpo-loss"] }))
      expect(two.issues.map((i) => i.message)).toEqual([
        "a run takes at most one loss plugin, got dapo-loss (plugins[1]) and dr-grpo-loss (plugins[2])"
      ])
    }))
})
