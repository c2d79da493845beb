/**
 * The entry point `run.ts` calls (Node): decode → resolve → validate the config (plugins
 * resolved from the user's project), build the run's layer graph, run the pipeline.
 *
 * @since 0.1.0
 */
import type { Engine } from "@sapphire-rl/engine"
import { layerRemoteNode } from "@sapphire-rl/engine/node"
import { drgDataFromFile } from "@sapphire-rl/data/node"
import type { TensorBackend } from "@sapphire-rl/tensor"
import { Effect, Layer, Logger } from "effect"
import { join, resolve } from "node:path"
import { backendLayer } from "../backendLayer.ts"
import { Device } from "../Device.ts"
import { localEngineLayer } from "../LocalEngine.ts"
import type { MetricsLog } from "../MetricsLog.ts"
import { PolicyModel } from "../PolicyModel.ts"
import { syntheticDataLayer } from "../prepareData.ts"
import type { Progress } from "../Progress.ts"
import { type ResolvedRun, resolveRun } from "../resolveRun.ts"
import { RewardScorer } from "../RewardScorer.ts"
import type { RunFiles } from "../RunFiles.ts"
import { runPipeline } from "../runPipeline.ts"
import type { Stages } from "../Stages.ts"
import type { StopSignal } from "../StopSignal.ts"
import { makeCheckpointHook } from "../checkpointHook.ts"
import { trainerStagesLayer } from "../TrainerStages.ts"
import { metricsLogFile } from "./MetricsLogNode.ts"
import { saveWeightsNode } from "./saveWeightsNode.ts"
import { pluginImporterFrom } from "./PluginImporterNode.ts"
import { policyModelFromDir } from "./PolicyModelNode.ts"
import { progressLayerAuto } from "./ProgressNode.ts"
import { runFilesLayerNode } from "./RunFilesNode.ts"
import { stopSignalLayerNode } from "./StopSignalNode.ts"

/**
 * The services a run offers its `Stages` implementation.
 *
 * @since 0.1.0
 * @category models
 */
export type RunServices =
  | Engine
  | PolicyModel
  | Device
  | TensorBackend
  | RewardScorer
  | MetricsLog
  | Progress
  | StopSignal
  | RunFiles

/**
 * Options of `runNode`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunNodeOptions<E> {
  /** Where plugin packages and relative paths are resolved from (the user's project). */
  readonly cwd: string
  /** `--set key=value` overrides. */
  readonly settings?: ReadonlyArray<string>
  /** The run directory (`--out`); else the config's `out`, else `runs/<name>`. */
  readonly out?: string
  /** A checkpoint directory to continue from (`--resume`). */
  readonly resumeFrom?: string
  /**
   * The training loops, given the resolved run; default: the trainer's
   * (`trainerStagesLayer`) with checkpoints written by `saveWeightsNode`.
   */
  readonly stages?: (run: ResolvedRun) => Layer.Layer<Stages, E, RunServices>
  /** Progress reporting; bars on a TTY, plain lines otherwise, by default. */
  readonly progress?: Layer.Layer<Progress>
}

/**
 * The run directory of a resolved run.
 *
 * @since 0.1.0
 * @category utils
 */
export const runDirOf = (run: ResolvedRun, cwd: string, out?: string): string =>
  resolve(cwd, out ?? run.config.out ?? join("runs", run.config.name))

/**
 * The run's services except `Stages`, as one layer: the engine graph (Engine → PolicyModel
 * → TensorBackend, with the Device), rewards, metrics.jsonl, progress, Ctrl-C, the run
 * directory.
 *
 * @since 0.1.0
 * @category layers
 */
export const runServicesLayer = (run: ResolvedRun, dir: string, options: { readonly resuming: boolean; readonly progress?: Layer.Layer<Progress> }) => {
  const { config } = run
  const model = "preset" in config.model
    ? PolicyModel.layerPreset(config.model.preset, config.seed)
    : policyModelFromDir(resolve(config.model.dir), {
      ...(config.model.adapterDir === undefined ? {} : { adapterDir: resolve(config.model.adapterDir) }),
      training: config.training,
      seed: config.seed
    })
  const engine = config.engine.kind === "local"
    ? localEngineLayer()
    : layerRemoteNode({
      urls: config.engine.urls,
      // Published policies (weights, adapters) for the servers; they must be able to read this path.
      policyDir: join(dir, "policy"),
      ...(config.engine.maxConcurrentPerServer === undefined ? {} : { maxConcurrentPerServer: config.engine.maxConcurrentPerServer }),
      ...(config.engine.timeoutMs === undefined ? {} : { timeoutMs: config.engine.timeoutMs }),
      ...(config.engine.maxAttempts === undefined ? {} : { maxAttempts: config.engine.maxAttempts })
    })
  const engineGraph = engine.pipe(
    Layer.provideMerge(model),
    Layer.provideMerge(Device.layer),
    Layer.provideMerge(backendLayer(config.backend))
  )
  return Layer.mergeAll(
    engineGraph,
    RewardScorer.layer(run.plugins.rewards),
    // A resumed run keeps the lines it has; the stages continue after them.
    metricsLogFile(join(dir, "metrics.jsonl"), options.resuming ? { keepLines: Number.MAX_SAFE_INTEGER } : {}),
    options.progress ?? progressLayerAuto(),
    stopSignalLayerNode
  ).pipe(Layer.provideMerge(runFilesLayerNode(dir)))
}

/**
 * Resolves `input` and runs it: config errors fail before any layer is built (nothing is
 * created, not even the run directory); an unwritable run directory fails before the model
 * is loaded. Logs go to stderr.
 *
 * @since 0.1.0
 * @category pipeline
 */
export const runNode = Effect.fn("runNode")(function*<E>(input: unknown, options: RunNodeOptions<E>) {
  const run = yield* resolveRun(input, options.settings === undefined ? {} : { settings: options.settings }).pipe(
    Effect.provide(pluginImporterFrom(options.cwd))
  )
  const dir = runDirOf(run, options.cwd, options.out)
  const data = run.config.data.source === "synthetic"
    ? syntheticDataLayer(run.config, run.plugins.grouper.grouper)
    : drgDataFromFile(
      resolve(options.cwd, run.config.data.path),
      run.plugins.grouper.labelSpace,
      run.config.data.format === "auto" ? undefined : run.config.data.format
    )
  const services = runServicesLayer(run, dir, {
    resuming: options.resumeFrom !== undefined,
    ...(options.progress === undefined ? {} : { progress: options.progress })
  })
  const stages = options.stages?.(run) ??
    Layer.unwrap(Effect.map(makeCheckpointHook(saveWeightsNode), (checkpoint) => trainerStagesLayer({ checkpoint })))
  const all = Layer.mergeAll(stages, data).pipe(Layer.provideMerge(services))
  return yield* runPipeline(run, options.resumeFrom === undefined ? {} : { resumeFrom: options.resumeFrom }).pipe(
    Effect.provide(all)
  )
}, Effect.provideService(Logger.LogToStderr, true))
