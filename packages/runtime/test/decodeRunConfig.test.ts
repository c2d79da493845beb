import { describe, expect, it } from "@effect/vitest"
import { MODEL_PRESETS } from "@sapphire-rl/model"
import { Effect } from "effect"
import { decodeRunConfig, defineRun, type RunConfig, type RunConfigError } from "../src/index.ts"

const failure = (input: unknown) =>
  Effect.flip(decodeRunConfig(input)).pipe(Effect.map((e: RunConfigError) => e.issues.map((i) => `${i.path}: ${i.message}`)))

describe("decodeRunConfig", () => {
  it.effect("fills every default of an empty config", () =>
    Effect.gen(function*() {
      const config = yield* decodeRunConfig({})
      expect(config.name).toBe("default")
      expect(config.seed).toBe(0)
      expect(config.backend).toBe("auto")
      expect(config.model).toEqual({ preset: "drg-small" })
      expect(config.training.mode).toBe("full")
      expect(config.data).toMatchObject({ source: "synthetic", n: 2000, mix: "natural" })
      expect(config.stages.map((s) => s.kind)).toEqual(["sft", "grpo", "eval"])
      const grpo = config.stages[1]
      expect(grpo?.kind === "grpo" && grpo.groupSize).toBe(8)
      expect(config.plugins).toEqual([])
    }))

  it.effect("GRPO importanceCap: 2 by default, a positive cap, or false for no correction", () =>
    Effect.gen(function*() {
      const capOf = (config: RunConfig) => config.stages.flatMap((s) => (s.kind === "grpo" ? [s.importanceCap] : []))
      expect(capOf(yield* decodeRunConfig({ stages: [{ kind: "grpo" }] }))).toEqual([2])
      expect(capOf(yield* decodeRunConfig({ stages: [{ kind: "grpo", importanceCap: 5 }] }))).toEqual([5])
      expect(capOf(yield* decodeRunConfig({ stages: [{ kind: "grpo", importanceCap: false }] }))).toEqual([false])
      const lines = yield* failure({ stages: [{ kind: "grpo", importanceCap: 0 }] })
      expect(lines.join("\n")).toMatch(/stages\[0\]\.importanceCap/)
    }))

  it.effect("reports every bad field with its path before anything runs", () =>
    Effect.gen(function*() {
      const lines = yield* failure({
        seed: 1.5,
        model: { preset: "huge" },
        data: { source: "file" },
        stages: [{ kind: "sft", epochs: 0 }, { kind: "grpo", groupSize: 1, temperature: -1 }, { kind: "ppo" }],
        plugins: ["strict-reward", false, { use: "" }, 3],
        tpyo: true
      })
      expect(lines).toEqual([
        "tpyo: expected no excess property, got true",
        "seed: expected an integer, got 1.5",
        // Every model preset is a valid choice, listed in the message.
        `model.preset: expected ${Object.keys(MODEL_PRESETS).map((k) => JSON.stringify(k)).join(" | ")}, got "huge"`,
        "data.path: missing key",
        "stages[0].epochs: expected a value greater than 0, got 0",
        "stages[1].groupSize: expected a value greater than or equal to 2, got 1",
        "stages[1].temperature: expected a value greater than or equal to 0, got -1",
        `stages[2]: expected a stage { kind: "sft" | "grpo" | "dpo" | "eval", … }, got {"kind":"ppo"}`,
        `plugins[2].use: expected a value with a length of at least 1, got ""`,
        `plugins[3]: expected a plugin name, { use: "<name>", options }, a plugin object, or a falsy value, got 3`
      ])
    }))

  it.effect("the error message lists the problems one per line", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(decodeRunConfig({ seed: "x" }))
      expect(error._tag).toBe("RunConfigError")
      expect(error.message).toBe(`invalid run config (1 problem):\nseed: expected number, got "x"`)
    }))

  it.effect("the engine is local by default, or a fleet of completion servers", () =>
    Effect.gen(function*() {
      expect((yield* decodeRunConfig({})).engine).toEqual({ kind: "local" })
      const remote = yield* decodeRunConfig({ engine: { kind: "remote", urls: ["http://gpu-1:8000"], timeoutMs: 30000 } })
      expect(remote.engine).toEqual({ kind: "remote", urls: ["http://gpu-1:8000"], timeoutMs: 30000 })
      const lines = yield* failure({ engine: { kind: "remote", urls: [] } })
      expect(lines).toEqual(["engine.urls: expected a value with a length of at least 1, got []"])
    }))

  it.effect("defineRun returns its input, which decodes like any config", () =>
    Effect.gen(function*() {
      const run = defineRun({
        name: "lora-test",
        model: { dir: "/models/qwen2.5-0.5b" },
        training: { mode: "lora", lora: { rank: 8 } },
        data: { source: "file", path: "cases.jsonl", format: "jsonl" },
        stages: [{ kind: "grpo", steps: 3 }],
        plugins: ["strict-reward", { use: "cosine-kl", options: { beta: 0.01 } }, false]
      })
      const config = yield* decodeRunConfig(run)
      expect(config.training.lora).toEqual({ rank: 8, alpha: 32, targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] })
      expect(config.data).toEqual({ source: "file", path: "cases.jsonl", format: "jsonl" })
      expect(config.plugins).toHaveLength(3)
    }))
})
