import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Engine } from "@sapphire-rl/engine"
import {
  type EvalScores,
  type MetricsLog,
  type RewardScorer,
  type RunFiles,
  rewardBounds,
  StageError,
  stepContexts,
  StopSignal,
  type FinishedGroup,
  PolicyModel,
  Progress,
  type ResolvedRun,
  rolloutGroups,
  type RolloutPrompt,
  runSteps,
  Stages,
  type StageContext,
  writeJson
} from "../src/index.ts"
import { runNode } from "../src/node/index.ts"

const root = join(import.meta.dirname, "../../..")

/**
 * Stages over the real services: GRPO and evaluation roll out on the tiny model through the
 * Engine and score with the run's real reward plugins; nothing is trained (the trainer's
 * loops are tested in its package). What this checks is the wiring.
 */
const wiringStages = (run: ResolvedRun) =>
  Layer.effect(
    Stages,
    Effect.gen(function*() {
      const services = yield* Effect.context<Engine | RewardScorer | MetricsLog | Progress | StopSignal | RunFiles>()
      const { tokenizer } = yield* PolicyModel
      const stop = yield* StopSignal
      const source = {
        labelSpace: run.plugins.grouper.labelSpace,
        grouper: run.plugins.grouper.grouper,
        seed: run.config.seed,
        countTokens: (text: string) => tokenizer.encode(text).length,
        signal: stop.signal
      }
      const prompts = (examples: ReadonlyArray<{ id: string; messages: ReadonlyArray<{ role: "system" | "user" | "assistant"; content: string }>; drg: number; answer: string }>) =>
        examples.map((ex): RolloutPrompt => ({
          exampleId: ex.id,
          prompt: tokenizer.encode(tokenizer.applyChatTemplate(ex.messages, { addGenerationPrompt: true })),
          gold: { drg: ex.drg, title: ex.answer }
        }))
      const roll = (items: ReadonlyArray<RolloutPrompt>, groupSize: number, n: number, seed: number, phase: string) =>
        rolloutGroups(Stream.fromIterable(items), {
          groupSize,
          temperature: 1,
          topP: 1,
          topK: 0,
          maxNewTokens: 6,
          promptsPerCall: 2,
          scoringConcurrency: 2,
          policyVersion: 0,
          seed,
          context: stepContexts(source, phase, seed, 2).context
        }).pipe(Stream.take(n), Stream.runCollect)
      const mean = (groups: ReadonlyArray<FinishedGroup>) => {
        const all = groups.flatMap((g) => g.rewards)
        return all.reduce((a, b) => a + b, 0) / Math.max(1, all.length)
      }
      return Stages.of({
        sft: () => Effect.succeed({ _tag: "Completed", stepsDone: 0 }),
        dpo: () => Effect.succeed({ _tag: "Completed", stepsDone: 0 }),
        grpo: (stage, ctx: StageContext) =>
          runSteps({
            phase: "grpo",
            start: 0,
            total: stage.steps,
            step: (i) =>
              roll(prompts(ctx.data.grpo.slice(i * stage.promptsPerStep)), stage.groupSize, stage.promptsPerStep, i, "grpo").pipe(
                Effect.map((groups) => ({ "reward/total/mean": mean(groups), groups: groups.length }))
              ),
            checkpoint: (n, reason) => writeJson(`checkpoints/grpo-${n}.json`, { stepsDone: n, reason }),
            checkpointEvery: stage.checkpointEvery
          }).pipe(Effect.provide(services), Effect.mapError((cause) => new StageError({ stage: "grpo", message: cause.message, cause }))),
        eval: (stage, ctx, label) =>
          roll(prompts(ctx.data.test.slice(0, 2).map((r) => ({ id: r.id, messages: [{ role: "user" as const, content: r.text }], drg: r.drg, answer: r.title }))), stage.samples, 2, 99, "eval").pipe(
            Effect.map((groups) => {
              const m = mean(groups)
              const t = { pass1: m, pass8: m, maj8: m }
              const scores: EvalScores = { drg: t, family: t, tier: t, invalid: 1 - m }
              return {
                scores,
                samples: groups.map((g) => ({ exampleId: g.exampleId, source: label, gold: g.gold.title, completion: g.rollouts[0]!.text, rewards: {} })),
                confusion: []
              }
            }),
            Effect.provide(services),
            Effect.mapError((cause) => new StageError({ stage: "eval", message: cause.message, cause }))
          )
      })
    })
  )

describe("runNode", () => {
  it.live("a whole run on the tiny model (CPU), with the real reward and loss plugins, writes its directory", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "sapphire-run-"))
      const seen: Array<ResolvedRun> = []
      const result = yield* runNode(
        {
          name: "wiring",
          backend: "cpu",
          model: { preset: "tiny-test" },
          data: { n: 120 },
          stages: [{ kind: "sft" }, { kind: "grpo", steps: 2, promptsPerStep: 2, groupSize: 2, checkpointEvery: 1 }, { kind: "eval", samples: 2 }],
          plugins: ["format-reward", "strict-reward", "dapo-loss", false]
        },
        { cwd: root, out, stages: (run) => (seen.push(run), wiringStages(run)), progress: Progress.layerSilent, settings: ["seed=4"] }
      )
      expect(result.interrupted).toBe(false)
      const bounds = rewardBounds(seen[0]!.plugins.rewards)
      expect(seen[0]!.plugins.rewards.map((p) => p.name)).toEqual(["format-reward", "strict-reward"])
      expect(Object.keys(result.results)).toEqual(["sft", "grpo"])
      const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"))
      expect(results.config).toMatchObject({ preset: "tiny-test", seed: 4, backend: "cpu" })
      expect(results.config.plugins.slice(0, 3)).toEqual(["format-reward", "strict-reward", "dapo-loss"])
      const metrics = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
      expect(metrics.map((m) => [m.phase, m.step, m.groups])).toEqual([["grpo", 1, 2], ["grpo", 2, 2]])
      // An untrained model's completions: scored by the real plugins, inside their bounds.
      for (const m of metrics) {
        expect(m["reward/total/mean"]).toBeGreaterThanOrEqual(bounds.min)
        expect(m["reward/total/mean"]).toBeLessThanOrEqual(bounds.max)
      }
      expect(JSON.parse(readFileSync(join(out, "checkpoints/grpo-2.json"), "utf8"))).toEqual({ stepsDone: 2, reason: "final" })
      expect(existsSync(join(out, "checkpoints/grpo-1.json"))).toBe(true)
      expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).seed).toBe(4)
      expect(readFileSync(join(out, "samples.jsonl"), "utf8").trim().split("\n")).toHaveLength(4)
    }))

  it.live("config errors fail before anything is created", () =>
    Effect.gen(function*() {
      const out = join(mkdtempSync(join(tmpdir(), "sapphire-run-")), "never")
      const error = yield* Effect.flip(runNode(
        { stages: [{ kind: "grpo" }], plugins: ["strict-reward", "dapo-loss", "grpo-loss"] },
        { cwd: root, out, stages: () => Layer.succeed(Stages, {} as Stages["Service"]), progress: Progress.layerSilent }
      ))
      expect(error._tag).toBe("RunConfigError")
      expect(error.message).toMatch(/at most one loss plugin, got dapo-loss \(plugins\[1\]\) and grpo-loss \(plugins\[2\]\)/)
      expect(existsSync(out)).toBe(false)
    }))
})
