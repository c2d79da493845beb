import { describe, expect, it } from "@effect/vitest"
import { makeOptimizer } from "@sapphire-rl/trainer"
import { Effect, Layer } from "effect"
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { backendLayer, Device, MetricsLog, PolicyModel, Progress, RunCheckpoints } from "../src/index.ts"
import { readResumeSourceNode, runCheckpointsLayerNode, runFilesLayerNode, runNode } from "../src/node/index.ts"

describe("runCheckpointsLayerNode", () => {
  it.live("clears unfinished saves, writes the trainer's checkpoints with the run's record; after a lost device only a note, latest.json unmoved; reads them back as a resume point", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "sapphire-run-checkpoints-"))
      // What a save killed half-way leaves behind.
      mkdirSync(join(dir, "checkpoints/.stage1-sft-000003.tmp-4242"), { recursive: true })
      const lines: Array<string> = []
      yield* Effect.gen(function*() {
        const log = yield* MetricsLog
        const checkpoints = yield* RunCheckpoints
        const { model } = yield* PolicyModel
        const optimizer = makeOptimizer(model.parameters().map(([, t]) => t))
        yield* log.record({ phase: "sft", step: 1, values: { loss: 1 } })
        yield* checkpoints.save({ phase: "sft", stageIndex: 0, stepsDone: 1, reason: "final", optimizer, state: { policyVersion: 1 } })
        yield* log.record({ phase: "grpo", step: 1, values: { loss: 1 } })
        yield* checkpoints.save({ phase: "grpo", stageIndex: 1, stepsDone: 1, reason: "periodic", optimizer, state: { cursor: 2 } })
        yield* log.record({ phase: "grpo", step: 2, values: { loss: 1 } })
        yield* checkpoints.save({ phase: "grpo", stageIndex: 1, stepsDone: 2, reason: "device-lost", optimizer, state: { cursor: 4 } })
        optimizer.dispose()
      }).pipe(Effect.provide(runCheckpointsLayerNode({ config: { seed: 3 } }).pipe(Layer.provideMerge(Layer.mergeAll(
        PolicyModel.layerPreset("tiny-test", 1).pipe(Layer.provide(backendLayer("cpu"))),
        Device.layer,
        runFilesLayerNode(dir),
        MetricsLog.layerMemory(lines)
      )))))
      expect(existsSync(join(dir, "checkpoints/.stage1-sft-000003.tmp-4242"))).toBe(false)
      expect(existsSync(join(dir, "checkpoints/stage1-sft-000001/model.safetensors"))).toBe(true)
      expect(existsSync(join(dir, "checkpoints/stage2-grpo-000002"))).toBe(false)
      expect(JSON.parse(readFileSync(join(dir, "checkpoints/device-lost.json"), "utf8"))).toEqual({ phase: "stage2-grpo", stepsDone: 2, metricsLines: 3 })
      expect(JSON.parse(readFileSync(join(dir, "checkpoints/latest.json"), "utf8"))).toMatchObject({ dir: "stage2-grpo-000001" })
      const source = yield* Effect.promise(() => readResumeSourceNode(dir))
      expect(source.runDir).toBe(dir)
      expect(source.config).toEqual({ seed: 3 })
      expect(source.point).toMatchObject({
        dir: join(dir, "checkpoints/stage2-grpo-000001"),
        stageIndex: 1,
        phase: "grpo",
        stepsDone: 1,
        reason: "periodic",
        state: { cursor: 2 },
        startFrom: join(dir, "checkpoints/stage1-sft-000001"),
        metricsLines: 2
      })
      // One checkpoint directory or the checkpoints root name the same point.
      expect((yield* Effect.promise(() => readResumeSourceNode(join(dir, "checkpoints")))).point.dir).toBe(source.point.dir)
      expect((yield* Effect.promise(() => readResumeSourceNode(join(dir, "checkpoints/stage1-sft-000001")))).point.reason).toBe("final")
      const missing = yield* Effect.flip(Effect.tryPromise(() => readResumeSourceNode(join(dir, "nowhere"))))
      expect(String(missing.cause)).toMatch(/--resume .*nowhere: expected a run directory/)
      // A checkpoint continues only its own run.
      const run = (seed: number, stages: ReadonlyArray<Record<string, unknown>>) =>
        Effect.flip(runNode(
          { name: "other", seed, backend: "cpu", model: { preset: "tiny-test" }, data: { n: 40, noteLength: "short" }, stages, plugins: ["format-reward", "dapo-loss"] },
          { cwd: join(import.meta.dirname, "../../.."), resumeFrom: dir, progress: Progress.layerSilent }
        ))
      const otherSeed = yield* run(4, [{ kind: "sft" }])
      expect((otherSeed as Error).message).toMatch(/cannot resume from .*stage2-grpo-000001: it was written with seed 3, this run has seed 4/)
      const otherStages = yield* run(3, [{ kind: "sft" }])
      expect((otherStages as Error).message).toMatch(/the checkpoint .*stage2-grpo-000001 is of stage 2 \(grpo\); this run's stage 2 is missing/)
    }))
})
