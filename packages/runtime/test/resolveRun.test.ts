import { describe, expect, it } from "@effect/vitest"
import { definePlugin, type LossPlugin, SPEC_VERSION } from "@sapphire-rl/spec"
import { Effect } from "effect"
import { cpSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PluginImporter, resolveRun, type RunConfigError } from "../src/index.ts"
import { pluginImporterFrom } from "../src/node/index.ts"
import { FAKE_FIRST_PARTY, fakeModules, preReward } from "./support/fakePlugins.ts"

const resolve = (input: unknown) =>
  resolveRun(input, { firstPartyPackages: FAKE_FIRST_PARTY }).pipe(Effect.provide(PluginImporter.layerOf(fakeModules)))

const problems = (input: unknown) =>
  Effect.flip(resolve(input)).pipe(Effect.map((e: RunConfigError) => e.issues.map((i) => `${i.path}: ${i.message}`)))

const grpoOnly = { stages: [{ kind: "grpo" }] }

describe("resolveRun", () => {
  it.effect("resolves short names, decodes options with defaults, and fills the default slots", () =>
    Effect.gen(function*() {
      const run = yield* resolve({
        ...grpoOnly,
        plugins: ["strict-reward", { use: "dapo-loss" }, { use: "cosine-kl", options: { beta: 0.1 } }]
      })
      expect(run.resolved.map((r) => [r.plugin.name, r.index, r.source])).toEqual([
        ["strict-reward", 0, "strict-reward"],
        ["dapo-loss", 1, "dapo-loss"],
        ["cosine-kl", 2, "cosine-kl"]
      ])
      expect(run.plugins.rewards.map((p) => p.name)).toEqual(["strict-reward"])
      expect(run.plugins.loss?.name).toBe("dapo-loss")
      // The options reached the factory: beta(0) = 0.1, beta(total) = 0.
      expect(run.plugins.kl?.beta(0, 10)).toBeCloseTo(0.1, 12)
      expect(run.plugins.kl?.beta(10, 10)).toBeCloseTo(0, 12)
      expect(run.plugins.advantage.name).toBe("group-std-advantage")
      expect(run.plugins.grouper.name).toBe("@sapphire-rl/plugin-msdrg-v34")
      expect(run.plugins.resampling).toBeUndefined()
    }))

  it.effect("falsy entries are ignored, and indices in errors stay those of the list as written", () =>
    Effect.gen(function*() {
      const run = yield* resolve({ ...grpoOnly, plugins: [false, null, "strict-reward", 0, "", "dapo-loss", undefined] })
      expect(run.resolved.map((r) => [r.plugin.name, r.index])).toEqual([["strict-reward", 2], ["dapo-loss", 5]])
      const lines = yield* problems({ ...grpoOnly, plugins: [false, "strict-reward", null, { use: "strict-reward", options: { scheme: "exact" } }] })
      expect(lines[0]).toBe(`plugins[3].options.scheme: expected "strict" | "dense" | "balanced", got "exact"`)
    }))

  it.effect("plugin options are decoded by the factory's schema, every problem with its path", () =>
    Effect.gen(function*() {
      const lines = yield* problems({
        ...grpoOnly,
        plugins: [
          { use: "strict-reward", options: { scheme: "strcit", weight: "1" } },
          "dapo-loss",
          { use: "cosine-kl", options: { beta: -1 } }
        ]
      })
      expect(lines).toEqual([
        `plugins[0].options.scheme: expected "strict" | "dense" | "balanced", got "strcit"`,
        `plugins[0].options.weight: expected number, got "1"`,
        `plugins[2].options.beta: expected a value greater than 0, got -1`
      ])
    }))

  it.effect("an unknown plugin lists the valid short names and the packages not installed", () =>
    Effect.gen(function*() {
      const lines = yield* problems({ ...grpoOnly, plugins: ["strict-reward", "dapo-loss", { use: "strict-rewrad" }] })
      expect(lines).toEqual([
        `plugins[2].use: unknown plugin "strict-rewrad"; valid short names: cosine-kl (kl), dapo-loss (loss), grpo-loss (loss), strict-reward (reward); not installed: @sapphire-rl/plugin-staged; or the name of an installed package that exports sapphirePlugins`
      ])
    }))

  it.effect("a plugin written for another spec major is rejected with both versions", () =>
    Effect.gen(function*() {
      const future = { ...preReward("future-reward"), specRange: "^3.0.0" }
      const lines = yield* problems({ ...grpoOnly, plugins: ["strict-reward", "dapo-loss", future] })
      expect(lines).toEqual([`plugins[2]: plugin future-reward needs spec ^3.0.0, but this runtime has spec ${SPEC_VERSION}`])
    }))

  it.effect("two losses is a clear error naming both", () =>
    Effect.gen(function*() {
      const lines = yield* problems({ ...grpoOnly, plugins: ["strict-reward", "dapo-loss", "grpo-loss"] })
      expect(lines).toEqual([
        "plugins[2]: a run takes at most one loss plugin, got dapo-loss (plugins[1]) and grpo-loss (plugins[2])"
      ])
    }))

  it.effect("plugins limited to different phases by apply do not clash; in one phase they do, naming it", () =>
    Effect.gen(function*() {
      const lossFor = (name: string, apply: ReadonlyArray<"grpo" | "dpo">) =>
        definePlugin<LossPlugin>({ name, version: "0.1.0", kind: "loss", specRange: "^2.0.0", apply, sequenceWeights: (i) => i.lengths.map(() => 1) })
      const stages = [{ kind: "grpo" }, { kind: "dpo" }]
      const ok = yield* resolve({ stages, plugins: ["strict-reward", lossFor("a", ["grpo"]), lossFor("b", ["dpo"])] })
      expect(ok.resolved.map((r) => r.plugin.name)).toEqual(["strict-reward", "a", "b"])
      const lines = yield* problems({ stages, plugins: ["strict-reward", lossFor("a", ["grpo"]), lossFor("b", ["grpo", "dpo"])] })
      expect(lines).toEqual(["plugins[2]: a run takes at most one loss plugin, got a (plugins[1]) and b (plugins[2]) (all act in grpo)"])
    }))

  it.effect("a GRPO stage needs a loss and a reward; the messages name the installed choices", () =>
    Effect.gen(function*() {
      const lines = yield* problems({ ...grpoOnly, plugins: ["cosine-kl"] })
      expect(lines).toEqual([
        "plugins: a GRPO stage needs at least one reward plugin, got none; installed: strict-reward",
        "plugins: a GRPO stage needs exactly one loss plugin, got none; installed: dapo-loss, grpo-loss"
      ])
      // Without a GRPO stage no reward or loss is needed.
      const evalOnly = yield* resolve({ stages: [{ kind: "eval" }] })
      expect(evalOnly.plugins.loss).toBeUndefined()
    }))

  it.effect("LoRA on a from-scratch preset is refused", () =>
    Effect.gen(function*() {
      const lines = yield* problems({ stages: [{ kind: "eval" }], training: { mode: "lora" } })
      expect(lines).toEqual([`training.mode: LoRA needs a pretrained base: set model.dir (a preset is trained from scratch, mode "full")`])
    }))

  it.effect("one plugin twice is an error; plugins of one kind are ordered by enforce", () =>
    Effect.gen(function*() {
      const twice = yield* problems({ ...grpoOnly, plugins: ["strict-reward", "dapo-loss", "strict-reward"] })
      expect(twice).toEqual(["plugins[2]: plugin strict-reward is already in the list at plugins[0]"])
      const run = yield* resolve({
        ...grpoOnly,
        plugins: [preReward("late", "post"), "strict-reward", preReward("early", "pre"), "dapo-loss"]
      })
      expect(run.plugins.rewards.map((p) => p.name)).toEqual(["early", "strict-reward", "late"])
    }))

  it.effect("a plugin object with a broken contract is reported at its index", () =>
    Effect.gen(function*() {
      const broken = { name: "broken", version: "1.0.0", kind: "reward", specRange: "^2.0.0", range: { min: 0, max: 1 } }
      const lines = yield* problems({ ...grpoOnly, plugins: ["dapo-loss", broken] })
      expect(lines).toEqual(["plugins[1]: plugin broken (kind reward) lacks score (a function)"])
    }))

  it.effect("a factory object in the list is called with its default options", () =>
    Effect.gen(function*() {
      const mod = fakeModules["@sapphire-rl/plugin-loss"] as { sapphirePlugins: ReadonlyArray<unknown> }
      const run = yield* resolve({ ...grpoOnly, plugins: ["strict-reward", mod.sapphirePlugins[1]] })
      expect(run.plugins.loss?.name).toBe("grpo-loss")
      expect(run.resolved[1]?.source).toBe("grpo-loss")
      // definePlugin's own object is accepted as it is.
      expect(definePlugin(run.plugins.loss!)).toEqual(run.plugins.loss)
    }))
})

describe("resolution by installed package name", () => {
  // A project directory with the fixture packages installed under node_modules, as npm would.
  const project = mkdtempSync(join(tmpdir(), "sapphire-runtime-"))
  cpSync(join(import.meta.dirname, "fixtures/acme-plugins"), join(project, "node_modules/@acme/sapphire-plugins"), { recursive: true })
  cpSync(join(import.meta.dirname, "fixtures/single-plugin"), join(project, "node_modules/sapphire-plugin-single"), { recursive: true })
  const fromProject = (input: unknown) =>
    resolveRun(input, { firstPartyPackages: [] }).pipe(Effect.provide(pluginImporterFrom(join(project, "sub/dir"))))

  it.effect("package:name picks a factory; a one-plugin package needs no name; options are decoded", () =>
    Effect.gen(function*() {
      const run = yield* fromProject({
        stages: [{ kind: "grpo" }],
        plugins: [{ use: "@acme/sapphire-plugins:acme-length", options: { target: 100 } }, "sapphire-plugin-single"]
      }).pipe(Effect.flip)
      // No loss plugin is installed in that project: the slot rule says so.
      expect(run.issues.map((i) => i.message)).toEqual(["a GRPO stage needs exactly one loss plugin, got none"])
      const evalRun = yield* fromProject({
        stages: [{ kind: "eval" }],
        plugins: [{ use: "@acme/sapphire-plugins:acme-length", options: { target: 100 } }, "sapphire-plugin-single"]
      })
      expect(evalRun.resolved.map((r) => [r.plugin.name, r.source])).toEqual([
        ["acme-length", "@acme/sapphire-plugins:acme-length"],
        ["single-kl", "sapphire-plugin-single"]
      ])
      const reward = evalRun.plugins.rewards[0]
      const score = yield* Effect.promise(async () =>
        reward?.score([{ exampleId: "a", sampleIndex: 0, gold: { drg: 1, title: "t" }, text: "", tokens: 150, finishReason: "stop", policyVersion: 0 }], {} as never)
      )
      expect(score).toEqual([0.5])
    }))

  it.effect("package errors: several plugins without a name, a wrong name, bad options, a wrong spec range", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(fromProject({
        stages: [{ kind: "eval" }],
        plugins: [
          "@acme/sapphire-plugins",
          "@acme/sapphire-plugins:nope",
          { use: "@acme/sapphire-plugins:acme-length", options: { target: -5 } },
          "@acme/sapphire-plugins:acme-future-loss",
          "not-installed-anywhere"
        ]
      }))
      expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        "plugins[0]: package @acme/sapphire-plugins has several plugins; name one: @acme/sapphire-plugins:acme-length, @acme/sapphire-plugins:acme-future-loss",
        `plugins[1]: package @acme/sapphire-plugins has no plugin "nope"; it has @acme/sapphire-plugins:acme-length, @acme/sapphire-plugins:acme-future-loss`,
        "plugins[2].options.target: expected a positive number, got -5",
        `plugins[3]: plugin acme-future-loss needs spec ^3.0.0, but this runtime has spec ${SPEC_VERSION}`,
        `plugins[4]: unknown plugin "not-installed-anywhere"; no plugin packages are installed; or the name of an installed package that exports sapphirePlugins`
      ])
    }))

  it.effect("pluginPackages adds a package's factories to the short names", () =>
    Effect.gen(function*() {
      const run = yield* fromProject({
        stages: [{ kind: "eval" }],
        pluginPackages: ["@acme/sapphire-plugins"],
        plugins: ["acme-length"]
      })
      expect(run.plugins.rewards.map((p) => p.name)).toEqual(["acme-length"])
      const missing = yield* Effect.flip(fromProject({ stages: [{ kind: "eval" }], pluginPackages: ["@acme/nothing"] }))
      expect(missing.issues.map((i) => `${i.path}: ${i.message}`)).toEqual(["pluginPackages[0]: package @acme/nothing is not installed"])
    }))
})
