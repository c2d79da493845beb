import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import {
  type EvalScores,
  MetricsLog,
  planStages,
  PluginImporter,
  Progress,
  resolveRun,
  RunFiles,
  runPipeline,
  runSteps,
  type StageConfig,
  Stages,
  StopSignal,
  syntheticDataLayer
} from "../src/index.ts"
import { FAKE_FIRST_PARTY, fakeModules } from "./support/fakePlugins.ts"

const scores = (pass1: number): EvalScores => {
  const t = { pass1, pass8: pass1 + 0.1, maj8: pass1 }
  return { drg: t, family: t, tier: t, invalid: 0.05 }
}

/** Stages that record what they were given and train nothing; GRPO steps through runSteps. */
const fakeStages = (log: Array<string>) =>
  Layer.succeed(Stages, {
    sft: (stage, ctx) =>
      Effect.sync(() => {
        const c = ctx.data.counts
        log.push(`sft epochs=${stage.epochs} examples=${ctx.data.sft.length} split=${c.cases}=${c.test}+${c.sft}+${c.grpo}`)
        return { _tag: "Completed" as const, stepsDone: stage.epochs }
      }),
    grpo: (stage, ctx) =>
      runSteps({
        phase: "grpo",
        start: 0,
        total: stage.steps,
        step: (i) => Effect.succeed({ "reward/strict-reward/mean": i / stage.steps }),
        checkpoint: (n, reason) => Effect.sync(() => void log.push(`checkpoint ${n} ${reason}`)),
        checkpointEvery: stage.checkpointEvery
      }).pipe(
        Effect.tap(() => Effect.sync(() => log.push(`grpo steps=${stage.steps} prompts=${ctx.data.grpo.length} loss=${ctx.plugins.loss?.name}`))),
        Effect.provide(Layer.mergeAll(MetricsLog.layerMemory([]), Progress.layerSilent, StopSignal.layer))
      ),
    dpo: () => Effect.succeed({ _tag: "Completed" as const, stepsDone: 0 }),
    eval: (stage, ctx, label) =>
      Effect.sync(() => {
        log.push(`eval ${label} samples=${stage.samples} cases=${ctx.data.test.length}`)
        return {
          scores: scores(label === "sft" ? 0.3 : 0.4),
          samples: [{ exampleId: ctx.data.test[0]!.id, source: label, gold: ctx.data.test[0]!.title, completion: "<answer>x</answer>", rewards: {} }],
          confusion: [{ gold: "a", predicted: "b", count: 1 }]
        }
      })
  })

describe("planStages", () => {
  it("evaluates the GRPO start and the GRPO result with the eval stage's settings", () => {
    const sft = { kind: "sft" } as StageConfig
    const grpo = { kind: "grpo" } as StageConfig
    const ev = { kind: "eval" } as StageConfig
    const plan = (stages: Array<StageConfig>) => planStages(stages).map((s) => (s.label === undefined ? s.stage.kind : `eval:${s.label}`))
    expect(plan([sft, grpo, ev])).toEqual(["sft", "eval:sft", "grpo", "eval:grpo"])
    expect(plan([sft, ev, grpo, ev])).toEqual(["sft", "eval:sft", "grpo", "eval:grpo"])
    expect(plan([ev, sft])).toEqual(["eval:base", "sft"])
    expect(plan([grpo, ev])).toEqual(["grpo", "eval:grpo"])
  })
})

describe("runPipeline", () => {
  it.effect("data → SFT → (eval of the start) → GRPO → eval, writing config, samples and results", () =>
    Effect.gen(function*() {
      const run = yield* resolveRun({
        name: "t",
        seed: 3,
        data: { source: "synthetic", n: 300 },
        stages: [{ kind: "sft", epochs: 2 }, { kind: "grpo", steps: 4, checkpointEvery: 2 }, { kind: "eval", samples: 4 }],
        plugins: ["strict-reward", "dapo-loss"]
      }, { firstPartyPackages: FAKE_FIRST_PARTY }).pipe(Effect.provide(PluginImporter.layerOf(fakeModules)))
      const log: Array<string> = []
      const files = new Map<string, string>()
      const result = yield* runPipeline(run).pipe(
        Effect.provide(Layer.mergeAll(fakeStages(log), RunFiles.layerMemory(files), syntheticDataLayer(run.config, run.plugins.grouper.grouper)))
      )
      // 300 cases: held out, SFT and GRPO parts (DRG-stratified) partition them; one SFT example per case.
      const [, examples, cases, test, sft, grpo] = (/examples=(\d+) split=(\d+)=(\d+)\+(\d+)\+(\d+)/.exec(log[0]!) ?? []).map(Number)
      expect(cases).toBe(300)
      expect(test! + sft! + grpo!).toBe(300)
      expect(examples).toBe(sft)
      expect(test).toBeGreaterThan(0)
      expect(grpo).toBeGreaterThan(0)
      expect(log.slice(1)).toEqual([
        expect.stringMatching(/^eval sft samples=4 cases=\d+$/),
        "checkpoint 2 periodic",
        "checkpoint 4 final",
        expect.stringMatching(/^grpo steps=4 prompts=\d+ loss=dapo-loss$/),
        expect.stringMatching(/^eval grpo samples=4 cases=\d+$/)
      ])
      expect(result.interrupted).toBe(false)
      const results = JSON.parse(files.get("results.json")!)
      expect(results.sft).toEqual(scores(0.3))
      expect(results.grpo).toEqual(scores(0.4))
      expect(results.config).toMatchObject({ preset: "drg-small", seed: 3, plugins: ["strict-reward", "dapo-loss", "@sapphire-rl/plugin-msdrg-v34", "group-std-advantage"] })
      expect(results.config.budget).toBe("sft 2 epochs × batch 8; grpo 4 steps × 8 prompts × 8 samples; eval 4 samples")
      expect(typeof results.seconds).toBe("number")
      const config = JSON.parse(files.get("config.json")!)
      expect(config.plugins).toEqual([
        { use: "strict-reward", name: "strict-reward", version: "0.1.0", kind: "reward", source: "strict-reward" },
        { use: "dapo-loss", name: "dapo-loss", version: "0.1.0", kind: "loss", source: "dapo-loss" }
      ])
      expect(files.get("samples.jsonl")!.trim().split("\n").map((l) => JSON.parse(l).source)).toEqual(["sft", "grpo"])
    }))
})
