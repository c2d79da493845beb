import { describe, expect, it } from "@effect/vitest"
import { DeviceLost } from "@sapphire-rl/tensor"
import { Effect, Layer } from "effect"
import { EngineError } from "@sapphire-rl/engine"
import { type CheckpointReason, MetricsLog, Progress, runSteps, StopSignal } from "../src/index.ts"

const setup = (lines: Array<string>, progress: Array<string> = []) =>
  Layer.mergeAll(
    MetricsLog.layerMemory(lines),
    StopSignal.layer,
    Progress.layerPlain((l) => Effect.sync(() => void progress.push(l)), { everyMs: 0 })
  )

describe("runSteps", () => {
  it.effect("records one line per step, checkpoints periodically and at the end", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const progress: Array<string> = []
      const checkpoints: Array<[number, CheckpointReason]> = []
      const outcome = yield* runSteps({
        phase: "grpo",
        start: 0,
        total: 5,
        step: (i) => Effect.succeed({ loss: 1 / (i + 1), reward: i / 10 }),
        checkpoint: (n, reason) => Effect.sync(() => void checkpoints.push([n, reason])),
        checkpointEvery: 2,
        show: ["reward"]
      }).pipe(Effect.provide(setup(lines, progress)))
      expect(outcome).toEqual({ _tag: "Completed", stepsDone: 5 })
      expect(lines.map((l) => JSON.parse(l))).toEqual([0, 1, 2, 3, 4].map((i) => ({ phase: "grpo", step: i + 1, loss: 1 / (i + 1), reward: i / 10 })))
      expect(checkpoints).toEqual([[2, "periodic"], [4, "periodic"], [5, "final"]])
      expect(progress.at(-1)).toMatch(/^grpo 5\/5 steps \(100%\) .* done in \d+s {2}reward=0\.400$/)
    }))

  it.effect("a stop request ends the loop at the next step boundary with a checkpoint", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const checkpoints: Array<[number, CheckpointReason]> = []
      const outcome = yield* Effect.gen(function*() {
        const stop = yield* StopSignal
        return yield* runSteps({
          phase: "sft",
          start: 1,
          total: 10,
          // The stop arrives during step 3 (index 2): that step finishes, step 4 never starts.
          step: (i) => (i === 2 ? stop.request("test") : Effect.void).pipe(Effect.as({ loss: i })),
          checkpoint: (n, reason) => Effect.sync(() => void checkpoints.push([n, reason])),
          checkpointEvery: 0
        })
      }).pipe(Effect.provide(setup(lines)))
      expect(outcome).toEqual({ _tag: "Interrupted", stepsDone: 3 })
      expect(lines.map((l) => JSON.parse(l).step)).toEqual([2, 3])
      expect(checkpoints).toEqual([[3, "interrupted"]])
    }))

  it.effect("a stop requested from outside (a signal handler) while steps keep the event loop busy ends the loop at the next step", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const outcome = yield* Effect.gen(function*() {
        const stop = yield* StopSignal
        return yield* runSteps({
          phase: "sft",
          start: 0,
          total: 5,
          // Step 1 schedules the request as a macrotask (as a SIGINT handler is), then computes
          // for 20 ms without awaiting anything, like a CPU training step.
          step: (i) =>
            Effect.sync(() => {
              if (i === 0) setTimeout(() => Effect.runFork(stop.request("SIGINT")), 0)
              const until = Date.now() + 20
              while (Date.now() < until) {}
              return { loss: i }
            }),
          checkpoint: () => Effect.void,
          checkpointEvery: 0
        })
      }).pipe(Effect.provide(setup(lines)))
      expect(outcome).toEqual({ _tag: "Interrupted", stepsDone: 1 })
      expect(lines).toHaveLength(1)
    }))

  it.effect("a lost device is a checkpoint and a typed DeviceLostDuringRun keeping its cause; other errors pass through", () =>
    Effect.gen(function*() {
      const checkpoints: Array<[number, CheckpointReason]> = []
      const lost = new EngineError({ operation: "generate", message: "lost", cause: new DeviceLost({ message: "gone" }) })
      const error = yield* Effect.flip(runSteps({
        phase: "grpo",
        start: 0,
        total: 10,
        step: (i) => (i === 3 ? Effect.fail(lost) : Effect.succeed({ loss: i })),
        checkpoint: (n, reason) => Effect.sync(() => void checkpoints.push([n, reason])),
        checkpointEvery: 0
      }).pipe(Effect.provide(setup([]))))
      expect(error._tag).toBe("DeviceLostDuringRun")
      expect(error._tag === "DeviceLostDuringRun" && error.stepsDone).toBe(3)
      expect(error._tag === "DeviceLostDuringRun" && error.cause).toBe(lost)
      expect(checkpoints).toEqual([[3, "device-lost"]])
      const other = yield* Effect.flip(runSteps({
        phase: "grpo",
        start: 0,
        total: 2,
        step: () => Effect.fail(new EngineError({ operation: "generate", message: "empty prompt", cause: new RangeError("empty prompt") })),
        checkpoint: () => Effect.void,
        checkpointEvery: 0
      }).pipe(Effect.provide(setup([]))))
      expect(other._tag).toBe("EngineError")
    }))
})
