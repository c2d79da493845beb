/**
 * `RunCheckpoints` on disk (Node), through the trainer's checkpoint code: each checkpoint
 * is `<run>/checkpoints/stage<N>-<kind>-<steps>/` written by `saveCheckpointNode` (weights in
 * the model writers' layout, trainable parameters and AdamW moments in
 * `trainer_state.safetensors`, the loop record in `trainer_state.json`), atomically (temp
 * directory + rename, then `checkpoints/latest.json` by rename). The loop record holds the
 * stage's index and steps, the reason, the metrics lines written, the resolved config, the
 * stage's own state, the checkpoint its stage started from, and the evaluations done so far.
 *
 * @since 0.1.0
 */
import { type LoopState, makeOptimizer } from "@sapphire-rl/trainer"
import { cleanCheckpointTempsNode, latestCheckpointNode, loadCheckpointNode, saveCheckpointNode } from "@sapphire-rl/trainer/node"
import { Effect, Layer, Option } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { basename, dirname, join, resolve } from "node:path"
import { Device } from "../Device.ts"
import { MetricsLog } from "../MetricsLog.ts"
import { PolicyModel } from "../PolicyModel.ts"
import { type RecordedEvaluation, RunCheckpoints, type ResumePoint } from "../RunCheckpoints.ts"
import type { CheckpointReason } from "../runSteps.ts"
import { writeJson } from "../RunFiles.ts"
import { RunFiles } from "../RunFiles.ts"

/** What the runtime keeps in the trainer's `LoopState.extra`. */
type RunExtra = {
  readonly reason: CheckpointReason
  readonly startFrom: string | null
  readonly state: Readonly<Record<string, unknown>>
  readonly evaluations: ReadonlyArray<RecordedEvaluation>
}

/**
 * A checkpoint to resume from and the run directory holding it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResumeSource {
  readonly runDir: string
  readonly point: ResumePoint
  /** The resolved config the checkpoint was written with. */
  readonly config: unknown
}

/**
 * Reads `--resume PATH`: a run directory (its `checkpoints/latest.json`), a checkpoint root
 * (`latest.json`) or one checkpoint directory. Clear errors for anything else.
 *
 * @since 0.1.0
 * @category resuming
 */
export const readResumeSourceNode = async (path: string): Promise<ResumeSource> => {
  const at = resolve(path)
  let dir: string | undefined
  if (existsSync(join(at, "trainer_state.json"))) dir = at
  else if (existsSync(join(at, "checkpoints", "latest.json"))) dir = await latestCheckpointNode(join(at, "checkpoints"))
  else if (existsSync(join(at, "latest.json"))) dir = await latestCheckpointNode(at)
  if (dir === undefined) {
    throw new Error(`--resume ${path}: expected a run directory (with checkpoints/latest.json), a checkpoints directory (with latest.json) or a checkpoint directory (with trainer_state.json)`)
  }
  const file = join(dir, "trainer_state.json")
  const { loop } = JSON.parse(readFileSync(file, "utf8")) as { loop: LoopState }
  const extra = loop.extra as RunExtra | undefined
  if (loop.stage === undefined || extra === undefined || typeof loop.phase !== "string") {
    throw new Error(`${file}: not a run checkpoint (no stage index or run record); was it written by an older version or by another loop?`)
  }
  return {
    runDir: dirname(dirname(dir)),
    config: loop.config,
    point: {
      dir,
      stageIndex: loop.stage,
      phase: loop.phase.replace(/^stage\d+-/, ""),
      stepsDone: loop.step,
      reason: extra.reason,
      state: extra.state,
      startFrom: extra.startFrom === null ? null : join(dirname(dir), extra.startFrom),
      metricsLines: loop.metricsLines ?? 0,
      evaluations: extra.evaluations
    }
  }
}

/**
 * Checkpoints under `<run>/checkpoints/`, continuing from `resume` when given.
 *
 * @since 0.1.0
 * @category layers
 */
export const runCheckpointsLayerNode = (options: { readonly config: unknown; readonly resume?: ResumePoint | undefined }) =>
  Layer.effect(
    RunCheckpoints,
    Effect.gen(function*() {
      const { model } = yield* PolicyModel
      const device = yield* Device
      const metrics = yield* MetricsLog
      const files = yield* RunFiles
      const root = files.path("checkpoints")
      // A save killed half-way leaves its temp directory (never a checkpoint): clear those first.
      const cleaned = yield* Effect.promise(() => cleanCheckpointTempsNode(root))
      if (cleaned > 0) yield* Effect.logInfo(`checkpoints: removed ${cleaned} unfinished save${cleaned === 1 ? "" : "s"} of an earlier process`)
      const resume = options.resume
      const evaluations: Array<RecordedEvaluation> = [...(resume?.evaluations ?? [])]
      // The checkpoint each stage started from: the last stage's final one (null: the initial weights).
      const relative = (dir: string) => basename(dir)
      let lastFinal: string | null = resume === undefined
        ? null
        : resume.reason === "final"
        ? relative(resume.dir)
        : resume.startFrom === null
        ? null
        : relative(resume.startFrom)
      const startOf = new Map<number, string | null>()
      if (resume !== undefined && resume.reason !== "final") startOf.set(resume.stageIndex, lastFinal)
      const onDevice = <A>(run: () => Promise<A>) => device.use(Effect.promise(run))
      return RunCheckpoints.of({
        resume: Option.fromNullishOr(resume),
        save: (request) =>
          Effect.gen(function*() {
            if (!startOf.has(request.stageIndex)) startOf.set(request.stageIndex, lastFinal)
            const metricsLines = yield* metrics.written
            const phase = `stage${request.stageIndex + 1}-${request.phase}`
            if (request.reason === "device-lost") {
              // The weights lived on the lost device: record where the run stood; latest.json
              // stays on the last complete checkpoint.
              yield* writeJson("checkpoints/device-lost.json", { phase, stepsDone: request.stepsDone, metricsLines })
              yield* Effect.logWarning(`device lost after ${phase} step ${request.stepsDone}: resume from checkpoints/latest.json`)
              return
            }
            const extra: RunExtra = { reason: request.reason, startFrom: startOf.get(request.stageIndex) ?? null, state: request.state, evaluations }
            const loop: LoopState = { phase, stage: request.stageIndex, step: request.stepsDone, cursor: request.stepsDone, rng: {}, config: options.config, metricsLines, extra }
            const dir = yield* onDevice(() => saveCheckpointNode(root, model, request.optimizer, loop))
            if (request.reason === "final") lastFinal = relative(dir)
            yield* Effect.logInfo(`checkpoint: ${dir} (${request.reason})`)
          }).pipe(Effect.orDie, Effect.provideService(RunFiles, files)),
        restore: (dir, optimizer) => onDevice(() => loadCheckpointNode(dir, model, optimizer)).pipe(Effect.asVoid),
        restoreWeights: (dir) =>
          dir === null ? Effect.void : onDevice(async () => {
            // The trainer's loader restores parameters with their moments; a throwaway optimizer takes the moments.
            const scratch = makeOptimizer(model.parameters().map(([, t]) => t))
            try {
              await loadCheckpointNode(dir, model, scratch)
            } finally {
              scratch.dispose()
            }
          }),
        recordEvaluation: (evaluation) => Effect.sync(() => void evaluations.push(evaluation))
      })
    })
  )
