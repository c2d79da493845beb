import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { applySettings, PluginImporter, resolveRun } from "../src/index.ts"
import { FAKE_FIRST_PARTY, fakeModules } from "./support/fakePlugins.ts"

const resolve = (input: unknown, settings: ReadonlyArray<string>) =>
  resolveRun(input, { firstPartyPackages: FAKE_FIRST_PARTY, settings }).pipe(Effect.provide(PluginImporter.layerOf(fakeModules)))

describe("--set", () => {
  it.effect("sets config fields, stage fields by kind, and plugin options by name or by kind", () =>
    Effect.gen(function*() {
      const run = yield* resolve(
        { stages: [{ kind: "sft" }, { kind: "grpo" }], plugins: ["strict-reward", "dapo-loss", "cosine-kl"] },
        ["seed=5", "data.n=120", "grpo.steps=7", "grpo.temperature=0.9", "strict-reward.scheme=\"dense\"", "kl.beta=0.5", "model.preset=tiny-test", "prompt.rationale=brief"]
      )
      expect(run.config.seed).toBe(5)
      expect(run.config.data).toMatchObject({ source: "synthetic", n: 120 })
      expect(run.config.stages[1]).toMatchObject({ kind: "grpo", steps: 7, temperature: 0.9 })
      expect(run.config.plugins[0]).toEqual({ use: "strict-reward", options: { scheme: "dense" } })
      expect(run.plugins.kl?.beta(0, 1)).toBeCloseTo(0.5, 12)
      expect(run.config.model).toEqual({ preset: "tiny-test" })
      expect(run.config.prompt.rationale).toBe("brief")
    }))

  it.effect("bad settings are reported with the rest, before anything runs; bad values by the schemas", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(resolve(
        { stages: [{ kind: "grpo" }], plugins: ["strict-reward", "dapo-loss"] },
        ["steps", "dpo.beta=1", "reward.scheme=exact", "lossy.x=1"]
      ))
      expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        "--set steps: expected key=value, e.g. grpo.steps=50 or loss.epsilonHigh=0.28",
        "--set dpo.beta: the run has no dpo stage",
        "--set lossy.x: lossy is not a config field, a stage kind (sft, grpo, dpo, eval), or a plugin of the run (strict-reward, dapo-loss)"
      ])
      const bad = yield* Effect.flip(resolve({ stages: [{ kind: "grpo" }], plugins: ["strict-reward", "dapo-loss"] }, ["reward.scheme=exact"]))
      expect(bad.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        `plugins[0].options.scheme: expected "strict" | "dense" | "balanced", got "exact"`
      ])
      const badField = yield* Effect.flip(resolve({ stages: [{ kind: "grpo" }], plugins: ["strict-reward", "dapo-loss"] }, ["prompt.rationale=long"]))
      expect(badField.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        `prompt.rationale: expected "full" | "brief" | "mixed", got "long"`
      ])
    }))

  it("values parse as JSON when they can", () => {
    const { config } = applySettings({}, ["name=run-1", "split.testFraction=0.2", "pluginPackages=[\"a\"]"])
    expect(config).toEqual({ name: "run-1", split: { testFraction: 0.2 }, pluginPackages: ["a"] })
  })
})
