/**
 * The checkpoint hook `trainerStagesLayer` calls at its checkpoints: the weights (through
 * `saveWeights`, holding the device) and `checkpoint.json` in the run directory.
 *
 * @since 0.1.0
 */
import type { Qwen2Model } from "@sapphire-rl/model"
import { Effect } from "effect"
import { Device } from "./Device.ts"
import { MetricsLog } from "./MetricsLog.ts"
import { PolicyModel } from "./PolicyModel.ts"
import { RunFiles, writeJson } from "./RunFiles.ts"
import type { CheckpointReason } from "./runSteps.ts"
import type { CheckpointHook } from "./TrainerStages.ts"

/**
 * Writes a model's weights into a directory (Node: `saveWeightsNode`).
 *
 * @since 0.1.0
 * @category models
 */
export type SaveWeights = (model: Qwen2Model, dir: string) => Promise<void>

/**
 * A hook writing `checkpoints/<phase>-<steps>/` (weights, and `checkpoint.json` with the
 * phase, steps, reason, and how many metrics lines the run had written) and
 * `checkpoints/latest.json`. After a lost device no weights can be read back: only
 * `checkpoint.json` (`weights: false`) is written and `latest.json` keeps pointing at the
 * last checkpoint with weights. A failed write is a defect: a run must not go on believing
 * it has a checkpoint it has not.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCheckpointHook = Effect.fn("makeCheckpointHook")(function*(saveWeights: SaveWeights | undefined) {
  const metrics = yield* MetricsLog
  const { model } = yield* PolicyModel
  const device = yield* Device
  const files = yield* RunFiles
  const hook: CheckpointHook = (phase: string, stepsDone: number, reason: CheckpointReason) =>
    Effect.gen(function*() {
      const dir = `checkpoints/${phase}-${stepsDone}`
      const metricsLines = yield* metrics.written
      if (reason === "device-lost") {
        // The weights lived on the lost device: record where the run stood, and leave
        // latest.json on the last checkpoint that has weights.
        yield* writeJson(`${dir}/checkpoint.json`, { phase, stepsDone, reason, metricsLines, weights: false })
        yield* Effect.logWarning(`device lost after ${phase} step ${stepsDone}: resume from checkpoints/latest.json`)
        return
      }
      if (saveWeights !== undefined) {
        yield* device.use(Effect.tryPromise(() => saveWeights(model, files.path(dir))))
      }
      yield* writeJson(`${dir}/checkpoint.json`, { phase, stepsDone, reason, metricsLines, weights: saveWeights !== undefined })
      yield* writeJson("checkpoints/latest.json", { dir, phase, stepsDone, reason })
      yield* Effect.logInfo(`checkpoint: ${dir} (${reason})`)
    }).pipe(Effect.orDie, Effect.provideService(RunFiles, files))
  return hook
})
