import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Progress } from "../src/index.ts"
import { runNode } from "../src/node/index.ts"

const root = join(import.meta.dirname, "../../..")

describe("trainerStagesLayer through runNode", () => {
  it.live("SFT → GRPO (KL against a frozen start) → eval on the tiny model, with the trainer's steps, writes metrics, checkpoints and results", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "sapphire-trainer-"))
      const result = yield* runNode(
        {
          name: "trainer-wiring",
          seed: 2,
          backend: "cpu",
          model: { preset: "tiny-test" },
          data: { n: 120, noteLength: "short" },
          stages: [
            { kind: "sft", epochs: 1, batchSize: 32, maxLength: 256, learningRate: 1e-3 },
            { kind: "grpo", steps: 2, promptsPerStep: 2, groupSize: 2, maxNewTokens: 6, checkpointEvery: 1, evalEvery: 1 },
            { kind: "eval", samples: 2, limit: 3, maxNewTokens: 6 }
          ],
          plugins: ["format-reward", "strict-reward", "dapo-loss", { use: "constant-kl", options: { beta: 0.04 } }]
        },
        // No `stages`: runNode's default, the trainer's stages with checkpoints on disk.
        { cwd: root, out, progress: Progress.layerSilent }
      )
      expect(Object.keys(result.results)).toEqual(["sft", "grpo"])
      for (const scores of Object.values(result.results)) {
        for (const v of [scores.drg.pass1, scores.family.pass8, scores.tier.maj8, scores.invalid]) {
          expect(v).toBeGreaterThanOrEqual(0)
          expect(v).toBeLessThanOrEqual(1)
        }
      }
      const metrics = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
      const sft = metrics.filter((m) => m.phase === "sft")
      const grpo = metrics.filter((m) => m.phase === "grpo")
      expect(sft.length).toBeGreaterThan(0)
      expect(sft.every((m) => Number.isFinite(m.loss) && m.loss > 0)).toBe(true)
      expect(grpo.map((m) => m.step)).toEqual([1, 2])
      // evalEvery 1: held-out Pass@1 after step 1; none after the last step, which the eval stage covers.
      for (const key of ["eval/drg/pass1", "eval/family/pass1", "eval/tier/pass1"]) {
        expect(grpo[0][key]).toBeGreaterThanOrEqual(0)
        expect(grpo[0][key]).toBeLessThanOrEqual(1)
        expect(grpo[1]).not.toHaveProperty(key)
      }
      for (const m of grpo) {
        // k3 is non-negative; the reference pass ran (β = 0.04 ≠ 0).
        expect(Number.isFinite(m.kl)).toBe(true)
        expect(m.kl).toBeGreaterThanOrEqual(0)
        // The format reward applies to every completion (accuracy only once the format holds).
        expect(m).toHaveProperty("reward/format-reward/mean")
        expect(m["completion_length/max"]).toBeLessThanOrEqual(6)
      }
      expect(existsSync(join(out, "checkpoints/stage2-grpo-000002/model.safetensors"))).toBe(true)
      expect(JSON.parse(readFileSync(join(out, "checkpoints/latest.json"), "utf8"))).toMatchObject({ dir: "stage2-grpo-000002", phase: "stage2-grpo", step: 2 })
      // The checkpoint after GRPO step 1 had seen every SFT line and one GRPO line, and
      // names the SFT checkpoint GRPO started from (the frozen KL reference of a resume).
      const state = JSON.parse(readFileSync(join(out, "checkpoints/stage2-grpo-000001/trainer_state.json"), "utf8"))
      expect(state.optimizerSteps).toBe(1)
      expect(state.loop).toMatchObject({ phase: "stage2-grpo", stage: 1, step: 1, metricsLines: sft.length + 1 })
      expect(state.loop.extra).toMatchObject({ reason: "periodic", startFrom: `stage1-sft-${String(sft.length).padStart(6, "0")}` })
      expect(state.loop.extra.state.cursor).toBe(2) // two prompts into the shuffled pass
      // The SFT model's evaluation (before GRPO) travels with the GRPO checkpoints.
      expect(state.loop.extra.evaluations.map((e: { label: string }) => e.label)).toEqual(["sft"])
      const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"))
      expect(results.sft.drg).toHaveProperty("pass8")
      expect(readFileSync(join(out, "samples.jsonl"), "utf8").trim().split("\n").length).toBeGreaterThan(0)
    }), 180_000)

  it.live("asyncRollouts is refused on the local engine, which shares the training device", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "sapphire-trainer-async-"))
      const error = yield* Effect.flip(runNode(
        {
          name: "async-local",
          backend: "cpu",
          model: { preset: "tiny-test" },
          data: { n: 60 },
          stages: [{ kind: "grpo", steps: 1, promptsPerStep: 1, groupSize: 2, maxNewTokens: 4, asyncRollouts: true }],
          plugins: ["format-reward", "strict-reward", "grpo-loss"]
        },
        { cwd: root, out, progress: Progress.layerSilent }
      ))
      expect(String((error as { message?: unknown }).message ?? error)).toMatch(/asyncRollouts needs a remote engine/)
    }), 60_000)

  it.live("dynamic-sampling discards flat groups and refills the step with whole batches, up to maxGenerationBatches", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "sapphire-trainer-dynamic-"))
      yield* runNode(
        {
          name: "dynamic-sampling",
          seed: 2,
          backend: "cpu",
          model: { preset: "tiny-test" },
          data: { n: 120, noteLength: "short" },
          // An untrained model cannot write the answer format in 6 tokens: every group is flat.
          stages: [{ kind: "grpo", steps: 2, promptsPerStep: 2, groupSize: 2, maxNewTokens: 6, maxGenerationBatches: 3, checkpointEvery: 1 }],
          plugins: ["format-reward", "strict-reward", "dapo-loss", "dynamic-sampling"]
        },
        { cwd: root, out, progress: Progress.layerSilent }
      )
      const grpo = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((m) => m.phase === "grpo")
      expect(grpo.map((m) => [m.generation_batches, m.discarded_fraction, m.trained_sequences])).toEqual([[3, 1, 0], [3, 1, 0]])
      // Rewards are those of every sampled group (3 batches × 2 prompts × 2 completions), all at the format penalty.
      expect(new Set(grpo.map((m) => m["reward/total/std"]))).toEqual(new Set([0]))
      expect(grpo[0]["dynamic-sampling/discarded"]).toBe(1)
      // The cursor moved by the three whole batches of step 1.
      const state = JSON.parse(readFileSync(join(out, "checkpoints/stage1-grpo-000001/trainer_state.json"), "utf8"))
      expect(state.loop.extra.state.cursor).toBe(6)
    }), 120_000)

  it.live("promptPool: GRPO draws from a seeded sample of its split, and a static curriculum probes only that sample", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "sapphire-trainer-pool-"))
      const error = yield* Effect.flip(runNode(
        {
          name: "prompt-pool",
          seed: 2,
          backend: "cpu",
          model: { preset: "tiny-test" },
          data: { n: 120, noteLength: "short" },
          // An untrained model gets nothing right: remove-hard removes the whole (3-prompt) pool.
          stages: [{ kind: "grpo", steps: 1, promptsPerStep: 2, groupSize: 2, maxNewTokens: 6, promptPool: 3 }],
          plugins: ["format-reward", "strict-reward", "dapo-loss", { use: "remove-hard", options: { samples: 2 } }]
        },
        { cwd: root, out, progress: Progress.layerSilent }
      ))
      expect(String((error as { message?: unknown }).message ?? error)).toMatch(/the curricula \(remove-hard\) removed all 3 probed GRPO prompts/)
    }), 60_000)

  it.live("scoreAtSamplingTemperature with importanceCap on is refused before any work, naming the fix", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "sapphire-trainer-tscore-"))
      const error = yield* Effect.flip(runNode(
        {
          name: "score-temperature",
          backend: "cpu",
          model: { preset: "tiny-test" },
          data: { n: 120, noteLength: "short" },
          stages: [{ kind: "grpo", steps: 1, promptsPerStep: 1, groupSize: 2, maxNewTokens: 4, temperature: 0.6, scoreAtSamplingTemperature: true }],
          plugins: ["format-reward", "strict-reward", "dapo-loss"]
        },
        { cwd: root, out, progress: Progress.layerSilent }
      ))
      expect(String((error as { message?: unknown }).message ?? error)).toMatch(/scores the policy at temperature 0.6.*set importanceCap to false/)
    }), 60_000)
})
