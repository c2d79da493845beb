/**
 * `run.ts eval`: a finished run's checkpoint evaluated on another file. The run's own
 * `config.json` (model, tokenizer, prompt, plugins, evaluation settings) is turned back into a
 * run input whose only stage is the evaluation, and the trainer's evaluation stage
 * (`Stages.eval`, `evaluateCases`) scores every case the file holds; `results.json` has a
 * run's shape under an `"eval"` key.
 *
 * @since 0.1.0
 */
import { DrgData } from "@sapphire-rl/data"
import { Clock, Effect, Schema } from "effect"
import type { PreparedData } from "./prepareData.ts"
import type { ResolvedRun } from "./resolveRun.ts"
import type { EvalStage } from "./RunConfig.ts"
import { RunFiles, writeJson } from "./RunFiles.ts"
import { Stages } from "./Stages.ts"

/**
 * The run directory or the data to evaluate cannot be used (no config.json, no checkpoint,
 * no case left to evaluate …): what and where.
 *
 * @since 0.1.0
 * @category errors
 */
export class EvalInputError extends Schema.TaggedError<EvalInputError>()("EvalInputError", {
  path: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `${this.path}: ${this.problem}`
  }
}

/**
 * What an evaluation of a checkpoint changes in the run's config.
 *
 * @since 0.1.0
 * @category models
 */
export interface EvalOverrides {
  /** The file to evaluate on (DRG-LLaMA CSV, DRG-Sapphire CSV or JSONL). */
  readonly dataPath: string
  /** Completions per case (Pass@k, Maj@k); default: the run's last eval stage's. */
  readonly samples?: number
  readonly backend?: string
  /** The file's format; default: guessed from its name and header. */
  readonly format?: "drg-llama" | "sapphire" | "jsonl"
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)

/**
 * A run's `config.json` (see `resolvedConfigJson`) as a run input again, for evaluation: each
 * plugin back to `{ use, options }` (by the name it was resolved from), the data source the
 * file to evaluate, and one stage: the run's last `eval` stage (or the defaults) over every
 * case (`limit` 0), with `samples` when given. Unknown keys stay, so decoding still reports
 * them.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const evalRunInput = (configJson: unknown, overrides: EvalOverrides): Record<string, unknown> => {
  if (!isRecord(configJson)) throw new TypeError("expected a JSON object")
  const { resolvedPlugins: _resolved, plugins, stages, ...rest } = configJson
  const lastEval = Array.isArray(stages) ? stages.filter((s) => isRecord(s) && s.kind === "eval").at(-1) : undefined
  return {
    ...rest,
    ...(overrides.backend === undefined ? {} : { backend: overrides.backend }),
    // Every case of the file is evaluated: the run's split settings are kept but not applied.
    data: { source: "file", path: overrides.dataPath, ...(overrides.format === undefined ? {} : { format: overrides.format }) },
    stages: [{
      ...(isRecord(lastEval) ? lastEval : { kind: "eval" }),
      limit: 0,
      ...(overrides.samples === undefined ? {} : { samples: overrides.samples })
    }],
    plugins: Array.isArray(plugins)
      ? plugins.map((p) => {
        if (!isRecord(p)) return p
        const use = typeof p.use === "string" ? p.use : typeof p.source === "string" && p.source !== "(object)" ? p.source : p.name
        return p.options === undefined ? { use } : { use, options: p.options }
      })
      : plugins
  }
}

/**
 * Evaluates the run's policy (the `Stages` layer's model) on every case of `DrgData` with
 * `stage`, and writes `results.json` (`{"eval": {drg, family, tier, invalid}, "config",
 * "seconds", "confusion"}`) and `samples.jsonl` through `RunFiles`.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const evaluateCheckpoint = Effect.fn("evaluateCheckpoint")(function*(
  run: ResolvedRun,
  stage: EvalStage,
  about: { readonly from: string; readonly checkpoint: string }
) {
  const stages = yield* Stages
  const files = yield* RunFiles
  const data = yield* DrgData
  const started = yield* Clock.currentTimeMillis
  const unknown = data.report?.unknownDrgs.length ?? 0
  if (unknown > 0) {
    const first = data.report!.unknownDrgs.slice(0, 3).map((u) => `row ${u.row}: ${JSON.stringify(u.value)}`).join(", ")
    yield* Effect.logWarning(`${data.source}: ${unknown} of ${data.report!.rows} rows skipped, their DRG is not in the label space (${first}${unknown > 3 ? ", …" : ""})`)
  }
  if (data.records.length === 0) {
    return yield* new EvalInputError({
      path: data.source,
      problem: `no case to evaluate${data.report === undefined ? "" : ` (${data.report.rows} rows, ${unknown} with a DRG outside the label space)`}`
    })
  }
  const prepared: PreparedData = {
    source: data.source,
    sft: [],
    grpo: [],
    test: data.records,
    counts: { cases: data.records.length, train: 0, test: data.records.length, sft: 0, grpo: 0 }
  }
  yield* Effect.logInfo(`eval: ${about.checkpoint} on ${data.records.length} cases of ${data.source}, ${stage.samples} samples each`)
  // Labelled by the checkpoint (`grpo-20`): the progress bar, the log line and each sample's `source`.
  const label = about.checkpoint.split("/").at(-1) ?? "eval"
  const result = yield* stages.eval(stage, { config: run.config, plugins: run.plugins, data: prepared, index: 0 }, label)
  const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
  yield* files.writeText("samples.jsonl", result.samples.map((s) => `${JSON.stringify(s)}\n`).join(""))
  yield* writeJson("results.json", {
    eval: result.scores,
    config: {
      from: about.from,
      checkpoint: about.checkpoint,
      preset: "preset" in run.config.model ? run.config.model.preset : run.config.model.dir,
      seed: run.config.seed,
      backend: run.config.backend,
      plugins: run.plugins.all.map((p) => p.name),
      budget: `eval ${stage.samples} samples on ${data.records.length} cases`,
      training: run.config.training.mode,
      data: data.source
    },
    seconds,
    confusion: result.confusion
  })
  return { scores: result.scores, seconds, dir: files.dir, cases: data.records.length }
})
