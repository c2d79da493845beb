/**
 * `run.ts eval` (Node): a run directory's latest checkpoint evaluated on a file, with the
 * run's own config and the trainer's evaluation stage.
 *
 * @since 0.1.0
 */
import { drgDataFromFile } from "@sapphire-rl/data/node"
import { Effect, Layer, Logger } from "effect"
import { existsSync, readFileSync, statSync } from "node:fs"
import { basename, extname, join, resolve } from "node:path"
import { backendLayer } from "../backendLayer.ts"
import { Device } from "../Device.ts"
import { EvalInputError, evalRunInput, evaluateCheckpoint } from "../evaluateCheckpoint.ts"
import { localEngineLayer } from "../LocalEngine.ts"
import { MetricsLog } from "../MetricsLog.ts"
import type { Progress } from "../Progress.ts"
import { resolveRun } from "../resolveRun.ts"
import { RewardScorer } from "../RewardScorer.ts"
import { trainerStagesLayer } from "../TrainerStages.ts"
import { pluginImporterFrom } from "./PluginImporterNode.ts"
import { policyModelFromCheckpoint } from "./PolicyModelNode.ts"
import { progressLayerAuto } from "./ProgressNode.ts"
import { runFilesLayerNode } from "./RunFilesNode.ts"
import { stopSignalLayerNode } from "./StopSignalNode.ts"

/**
 * Options of `evalNode`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EvalNodeOptions {
  /** Where relative paths and plugin packages resolve from. */
  readonly cwd: string
  /** The run directory (`--from`). */
  readonly from: string
  /** The file to evaluate on (`--data`). */
  readonly data: string
  /** Completions per case (`--samples`); default: the run's eval stage's. */
  readonly samples?: number
  /** Where results.json and samples.jsonl go (`--out`); default `<run dir>/eval-<file name>`. */
  readonly out?: string
  /** `--backend`; default: the run's. */
  readonly backend?: string
  /** `--format`; default: guessed from the file's name and header. */
  readonly format?: "drg-llama" | "sapphire" | "jsonl"
  readonly progress?: Layer.Layer<Progress>
}

const readJsonFile = (path: string, what: string) =>
  Effect.try({
    try: () => JSON.parse(readFileSync(path, "utf8")) as unknown,
    catch: (e) =>
      new EvalInputError({
        path,
        problem: (e as NodeJS.ErrnoException).code === "ENOENT" ? `missing: ${what}` : `cannot read ${what}: ${(e as Error).message}`
      })
  })

/**
 * The checkpoint directory `checkpoints/latest.json` names, checked to hold weights.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const latestCheckpointNode = Effect.fn("latestCheckpointNode")(function*(runDir: string) {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    return yield* new EvalInputError({ path: runDir, problem: "no such run directory" })
  }
  const latestPath = join(runDir, "checkpoints", "latest.json")
  if (!existsSync(latestPath)) {
    return yield* new EvalInputError({ path: runDir, problem: "no checkpoint (checkpoints/latest.json is missing: the run wrote none yet)" })
  }
  const latest = yield* readJsonFile(latestPath, "the latest checkpoint")
  const dir = typeof latest === "object" && latest !== null ? (latest as { dir?: unknown }).dir : undefined
  if (typeof dir !== "string") {
    return yield* new EvalInputError({ path: latestPath, problem: `expected {"dir": "<checkpoint>"}, found ${JSON.stringify(latest)}` })
  }
  // The trainer's pointer names its checkpoint relative to checkpoints/ (runs before exact
  // resume named it relative to the run directory, "checkpoints/…").
  const name = dir.startsWith("checkpoints/") ? dir : `checkpoints/${dir}`
  const checkpoint = join(runDir, name)
  const weights = ["model.safetensors", "model.safetensors.index.json", "adapter_model.safetensors"]
  if (!weights.some((f) => existsSync(join(checkpoint, f)))) {
    return yield* new EvalInputError({ path: checkpoint, problem: `no weights (expected one of ${weights.join(", ")})` })
  }
  return { dir: checkpoint, name }
})

/**
 * Evaluates `from`'s latest checkpoint on `data` and writes results.json and samples.jsonl.
 * The run directory, its checkpoint and config are checked first, then the config resolved
 * (plugins from `cwd`), then the output directory created (an unwritable one fails before the
 * model loads); the data file's errors name file, row and column. Logs go to stderr.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const evalNode = Effect.fn("evalNode")(function*(options: EvalNodeOptions) {
  const from = resolve(options.cwd, options.from)
  const checkpoint = yield* latestCheckpointNode(from)
  const configJson = yield* readJsonFile(join(from, "config.json"), "the run's config.json")
  const dataPath = resolve(options.cwd, options.data)
  const input = yield* Effect.try({
    try: () =>
      evalRunInput(configJson, {
        dataPath,
        ...(options.samples === undefined ? {} : { samples: options.samples }),
        ...(options.backend === undefined ? {} : { backend: options.backend }),
        ...(options.format === undefined ? {} : { format: options.format })
      }),
    catch: (e) => new EvalInputError({ path: join(from, "config.json"), problem: (e as Error).message })
  })
  const run = yield* resolveRun(input).pipe(
    Effect.provide(pluginImporterFrom(options.cwd)),
    Effect.mapError((e) => e._tag === "RunConfigError" ? new EvalInputError({ path: join(from, "config.json"), problem: e.message }) : e)
  )
  const stage = run.config.stages[0]
  if (stage?.kind !== "eval") return yield* Effect.die(new Error("evalRunInput: the only stage must be the evaluation"))
  const out = resolve(options.cwd, options.out ?? join(from, `eval-${basename(dataPath, extname(dataPath))}`))
  const files = runFilesLayerNode(out)
  const engineGraph = localEngineLayer().pipe(
    Layer.provideMerge(policyModelFromCheckpoint(run.config, checkpoint.dir, { cwd: options.cwd })),
    Layer.provideMerge(Device.layer),
    Layer.provideMerge(backendLayer(run.config.backend))
  )
  const services = Layer.mergeAll(
    engineGraph,
    RewardScorer.layer(run.plugins.rewards),
    // An evaluation writes no step metrics.
    MetricsLog.layerMemory([]),
    // Ctrl-C's message is logged through the progress layer's Console too (above the bars).
    stopSignalLayerNode.pipe(Layer.provideMerge(options.progress ?? progressLayerAuto()))
  )
  const data = drgDataFromFile(
    dataPath,
    run.plugins.grouper.labelSpace,
    run.config.data.source === "file" && run.config.data.format !== "auto" ? run.config.data.format : undefined
  )
  // Provided from the outside in: the output directory is checked first, then the data is
  // read, and only then does the model load.
  const result = yield* evaluateCheckpoint(run, stage, { from, checkpoint: checkpoint.name }).pipe(
    Effect.provide(trainerStagesLayer().pipe(Layer.provideMerge(services))),
    Effect.provide(data),
    Effect.provide(files)
  )
  return { ...result, samples: stage.samples, checkpoint: checkpoint.name }
}, Effect.provideService(Logger.LogToStderr, true))
