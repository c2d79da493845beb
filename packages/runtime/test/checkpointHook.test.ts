import { describe, expect, it } from "@effect/vitest"
import { DeviceLost } from "@sapphire-rl/tensor"
import { Effect, Layer } from "effect"
import { backendLayer, Device, makeCheckpointHook, MetricsLog, PolicyModel, RunFiles } from "../src/index.ts"

describe("makeCheckpointHook", () => {
  it.live("writes weights and points latest.json at them; after a lost device it writes no weights and keeps latest.json", () =>
    Effect.gen(function*() {
      const files = new Map<string, string>()
      const saved: Array<string> = []
      let deviceGone = false
      const lines: Array<string> = []
      yield* Effect.gen(function*() {
        const log = yield* MetricsLog
        const hook = yield* makeCheckpointHook(async (_model, dir) => {
          if (deviceGone) throw new DeviceLost({ message: "gone" })
          saved.push(dir)
        })
        yield* log.record({ phase: "grpo", step: 1, values: { loss: 1 } })
        yield* hook("grpo", 1, "periodic")
        deviceGone = true
        yield* log.record({ phase: "grpo", step: 2, values: { loss: 1 } })
        yield* hook("grpo", 2, "device-lost")
      }).pipe(Effect.provide(Layer.mergeAll(
        PolicyModel.layerPreset("tiny-test", 1).pipe(Layer.provide(backendLayer("cpu"))),
        Device.layer,
        RunFiles.layerMemory(files, "/runs/x"),
        MetricsLog.layerMemory(lines)
      )))
      expect(saved).toEqual(["/runs/x/checkpoints/grpo-1"])
      expect(JSON.parse(files.get("checkpoints/grpo-1/checkpoint.json")!)).toEqual({ phase: "grpo", stepsDone: 1, reason: "periodic", metricsLines: 1, weights: true })
      expect(JSON.parse(files.get("checkpoints/grpo-2/checkpoint.json")!)).toEqual({ phase: "grpo", stepsDone: 2, reason: "device-lost", metricsLines: 2, weights: false })
      expect(JSON.parse(files.get("checkpoints/latest.json")!)).toEqual({ dir: "checkpoints/grpo-1", phase: "grpo", stepsDone: 1, reason: "periodic" })
    }))
})
