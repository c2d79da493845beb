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
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
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
import { type ResumePoint, ResumeError, type RunCheckpoints } from "../RunCheckpoints.ts"
import { resolvedConfigJson, runPipeline } from "../runPipeline.ts"
import type { Stages } from "../Stages.ts"
import type { StopSignal } from "../StopSignal.ts"
import { trainerStagesLayer } from "../TrainerStages.ts"
import { metricsLogFile } from "./MetricsLogNode.ts"
import { readResumeSourceNode, runCheckpointsLayerNode } from "./RunCheckpointsNode.ts"
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
  | RunCheckpoints

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
  /** The run directory (`--out`); else the resumed run's directory, else the config's `out`, else `runs/<name>`. */
  readonly out?: string
  /**
   * Continue from a checkpoint (`--resume`): a run directory (its latest checkpoint), its
   * `checkpoints/` directory, or one checkpoint directory. The config must be the run's
   * (same seed and stages).
   */
  readonly resumeFrom?: string
  /**
   * The training loops, given the resolved run; default: the trainer's
   * (`trainerStagesLayer`), checkpointing through `RunCheckpoints`.
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
export const runServicesLayer = (run: ResolvedRun, dir: string, options: { readonly resume?: ResumePoint | undefined; readonly progress?: Layer.Layer<Progress> }) => {
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
  // A resumed run keeps the lines its checkpoint had seen; the stages write the rest.
  const metrics = metricsLogFile(join(dir, "metrics.jsonl"), options.resume === undefined ? {} : { keepLines: options.resume.metricsLines })
  const base = Layer.mergeAll(
    engineGraph,
    RewardScorer.layer(run.plugins.rewards),
    metrics,
    // Ctrl-C's message is logged through the progress layer's Console too (above the bars).
    stopSignalLayerNode.pipe(Layer.provideMerge(options.progress ?? progressLayerAuto()))
  ).pipe(Layer.provideMerge(runFilesLayerNode(dir)))
  return runCheckpointsLayerNode({ config: resolvedConfigJson(run), resume: options.resume }).pipe(Layer.provideMerge(base))
}

/** A checkpoint continues only the run that wrote it: same seed, same stage kinds. */
const checkResumable = (run: ResolvedRun, written: unknown, point: ResumePoint, path: string) => {
  const config = (typeof written === "object" && written !== null ? written : {}) as { seed?: unknown; stages?: ReadonlyArray<{ kind?: unknown }> }
  const kinds = (stages: ReadonlyArray<{ kind?: unknown }>) => stages.map((s) => String(s.kind)).join(", ")
  const problem = config.seed !== run.config.seed
    ? `it was written with seed ${String(config.seed)}, this run has seed ${run.config.seed}`
    : config.stages !== undefined && kinds(config.stages) !== kinds(run.config.stages)
    ? `it was written for stages [${kinds(config.stages)}], this run has [${kinds(run.config.stages)}]`
    : undefined
  return problem === undefined
    ? Effect.void
    : Effect.fail(new ResumeError({ path, message: `cannot resume from ${point.dir}: ${problem} (resume with the run's own config)`, cause: null }))
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
  const source = options.resumeFrom === undefined ? undefined : yield* Effect.tryPromise({
    try: () => readResumeSourceNode(resolve(options.cwd, options.resumeFrom!)),
    catch: (cause) => new ResumeError({ path: options.resumeFrom!, message: cause instanceof Error ? cause.message : String(cause), cause })
  })
  const dir = source !== undefined && options.out === undefined ? source.runDir : runDirOf(run, options.cwd, options.out)
  if (source !== undefined) yield* checkResumable(run, source.config, source.point, options.resumeFrom!)
  if (source !== undefined && resolve(dir) !== resolve(source.runDir)) {
    // Continuing into another directory: it starts with the lines the checkpoint had seen.
    const from = join(source.runDir, "metrics.jsonl")
    const lines = existsSync(from) ? readFileSync(from, "utf8").split("\n").filter((l) => l !== "").slice(0, source.point.metricsLines) : []
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "metrics.jsonl"), lines.map((l) => `${l}\n`).join(""))
  }
  const data = run.config.data.source === "synthetic"
    ? syntheticDataLayer(run.config, run.plugins.grouper.grouper)
    : drgDataFromFile(
      resolve(options.cwd, run.config.data.path),
      run.plugins.grouper.labelSpace,
      run.config.data.format === "auto" ? undefined : run.config.data.format
    )
  const services = runServicesLayer(run, dir, {
    resume: source?.point,
    ...(options.progress === undefined ? {} : { progress: options.progress })
  })
  const stages = options.stages?.(run) ?? trainerStagesLayer()
  const all = Layer.mergeAll(stages, data).pipe(Layer.provideMerge(services))
  return yield* runPipeline(run).pipe(Effect.provide(all))
}, Effect.provideService(Logger.LogToStderr, true))
