/**
 * The pipeline: data → split → stages in order (SFT, GRPO, DPO, evaluation) → the run
 * directory (`config.json`, `metrics.jsonl` through `MetricsLog`, checkpoints written by the
 * stages, `samples.jsonl`, `results.json`).
 *
 * @since 0.1.0
 */
import { Clock, Effect, Option } from "effect"
import { prepareData } from "./prepareData.ts"
import type { ResolvedRun } from "./resolveRun.ts"
import { RunCheckpoints } from "./RunCheckpoints.ts"
import type { StageConfig } from "./RunConfig.ts"
import { RunFiles, writeJson } from "./RunFiles.ts"
import type { PhaseOutcome } from "./runSteps.ts"
import { type EvalResult, type EvalScores, type StageContext, StageError, Stages } from "./Stages.ts"

/**
 * How a pipeline ended.
 *
 * @since 0.1.0
 * @category models
 */
export interface PipelineResult {
  /** Evaluations by the model evaluated (`sft`: the SFT start, `grpo`: after GRPO …). */
  readonly results: Readonly<Record<string, EvalScores>>
  readonly interrupted: boolean
  readonly seconds: number
  readonly dir: string
}

/**
 * The config as written to `config.json`: decoded (defaults filled in), with each plugin
 * as the run named it (plugin objects by name, version and kind).
 *
 * @since 0.1.0
 * @category formatting
 */
export const resolvedConfigJson = (run: ResolvedRun): Record<string, unknown> => ({
  ...run.config,
  plugins: run.resolved.map((r) => {
    const entry = run.config.plugins[r.index]
    const named = typeof entry === "string" || (typeof entry === "object" && entry !== null && "use" in entry)
    return {
      ...(named ? (typeof entry === "string" ? { use: entry } : entry) : {}),
      name: r.plugin.name,
      version: r.plugin.version,
      kind: r.plugin.kind,
      source: r.source
    }
  }),
  resolvedPlugins: run.plugins.all.map((p) => `${p.name}@${p.version} (${p.kind})`)
})

/**
 * The budget in one line (for results.json and the report).
 *
 * @since 0.1.0
 * @category formatting
 */
export const budgetLine = (stages: ReadonlyArray<StageConfig>): string =>
  stages
    .map((s) => {
      switch (s.kind) {
        case "sft":
          return `sft ${s.epochs} epoch${s.epochs === 1 ? "" : "s"} × batch ${s.batchSize}`
        case "grpo":
          return `grpo ${s.steps} steps × ${s.promptsPerStep} prompts × ${s.groupSize} samples`
        case "dpo":
          return `dpo ${s.epochs} epoch${s.epochs === 1 ? "" : "s"}`
        case "eval":
          return `eval ${s.samples} samples${s.limit > 0 ? ` on ${s.limit} cases` : ""}`
      }
    })
    .join("; ")

const configSummary = (run: ResolvedRun) => ({
  preset: "preset" in run.config.model ? run.config.model.preset : run.config.model.dir,
  seed: run.config.seed,
  backend: run.config.backend,
  plugins: run.plugins.all.map((p) => p.name),
  budget: budgetLine(run.config.stages),
  training: run.config.training.mode,
  data: run.config.data.source === "synthetic" ? `synthetic ${run.config.data.n}` : run.config.data.path
})

const isTraining = (kind: StageConfig["kind"]): kind is "sft" | "grpo" | "dpo" => kind !== "eval"

/**
 * Which evaluations run, and under which label: each `eval` stage evaluates the model the
 * training stage before it left (`sft`, `grpo`, `dpo`, or `base` when none ran); and when
 * an `eval` stage follows a GRPO stage, the model GRPO starts from is evaluated too, with
 * that eval stage's settings, so results.json compares GRPO with its start.
 *
 * @since 0.1.0
 * @category planning
 */
export const planStages = (
  stages: ReadonlyArray<StageConfig>
): ReadonlyArray<{ readonly stage: StageConfig; readonly index: number; readonly label?: string }> => {
  const plan: Array<{ stage: StageConfig; index: number; label?: string }> = []
  let last = "base"
  let evaluated = new Set<string>()
  stages.forEach((stage, index) => {
    if (stage.kind === "grpo") {
      const later = stages.slice(index + 1).find((s) => s.kind === "eval")
      if (later !== undefined && !evaluated.has(last) && last !== "base") {
        plan.push({ stage: later, index, label: last })
        evaluated.add(last)
      }
    }
    if (stage.kind === "eval") {
      if (!evaluated.has(last)) plan.push({ stage, index, label: last })
      evaluated.add(last)
      return
    }
    plan.push({ stage, index })
    last = stage.kind
    evaluated = new Set([...evaluated].filter((l) => l !== last))
  })
  return plan
}

/**
 * Runs a resolved run's stages and writes its directory. With a `RunCheckpoints` service
 * that holds a resume point, the stages before the checkpoint's stage are skipped (their
 * evaluations are taken from the checkpoint) and that stage continues from it.
 *
 * @since 0.1.0
 * @category pipeline
 */
export const runPipeline = Effect.fn("runPipeline")(function*(run: ResolvedRun) {
  const stages = yield* Stages
  const checkpoints = yield* Effect.serviceOption(RunCheckpoints)
  const resume = Option.flatMap(checkpoints, (c) => c.resume).pipe(Option.getOrUndefined)
  const files = yield* RunFiles
  const started = yield* Clock.currentTimeMillis
  yield* writeJson("config.json", resolvedConfigJson(run))
  const data = yield* prepareData(run.config, run.plugins)
  const results: Record<string, EvalScores> = {}
  const evaluations: Array<EvalResult & { readonly label: string }> = []
  let interrupted = false
  const plan = planStages(run.config.stages)
  // The plan entry the resumed stage trains in; everything before it is done.
  const resumeAt = resume === undefined ? -1 : plan.findIndex((p) => p.index === resume.stageIndex && p.label === undefined)
  if (resume !== undefined && (resumeAt < 0 || run.config.stages[resume.stageIndex]?.kind !== resume.phase)) {
    return yield* new StageError({
      stage: resume.phase,
      message: `the checkpoint ${resume.dir} is of stage ${resume.stageIndex + 1} (${resume.phase}); this run's stage ${resume.stageIndex + 1} is ${run.config.stages[resume.stageIndex]?.kind ?? "missing"}`,
      cause: null
    })
  }
  if (resume !== undefined) yield* Effect.logInfo(`resuming from ${resume.dir}: stage ${resume.stageIndex + 1} (${resume.phase}) after step ${resume.stepsDone}`)
  for (const [position, step] of plan.entries()) {
    const ctx: StageContext = {
      config: run.config,
      plugins: run.plugins,
      data,
      index: step.index,
      ...(position === resumeAt ? { resume } : {})
    }
    const stage = step.stage
    if (position < resumeAt) {
      if (step.label === undefined) continue
      const done = resume!.evaluations.find((e) => e.position === position)
      if (done === undefined) {
        return yield* new StageError({ stage: "eval", message: `the checkpoint ${resume!.dir} holds no result for the evaluation of the ${step.label} model, which ran before it`, cause: null })
      }
      results[done.label] = done.result.scores
      evaluations.push({ ...done.result, label: done.label })
      continue
    }
    if (step.label !== undefined && stage.kind === "eval") {
      yield* Effect.logInfo(`eval: the ${step.label} model on ${stage.limit > 0 ? Math.min(stage.limit, data.test.length) : data.test.length} held-out cases`)
      const result = yield* stages.eval(stage, ctx, step.label)
      results[step.label] = result.scores
      evaluations.push({ ...result, label: step.label })
      if (Option.isSome(checkpoints)) yield* checkpoints.value.recordEvaluation({ position, label: step.label, result })
      continue
    }
    if (!isTraining(stage.kind)) continue
    yield* Effect.logInfo(`${stage.kind}: starting (stage ${step.index + 1} of ${run.config.stages.length})`)
    const outcome: PhaseOutcome = stage.kind === "sft"
      ? yield* stages.sft(stage as Extract<StageConfig, { kind: "sft" }>, ctx)
      : stage.kind === "grpo"
      ? yield* stages.grpo(stage as Extract<StageConfig, { kind: "grpo" }>, ctx)
      : yield* stages.dpo(stage as Extract<StageConfig, { kind: "dpo" }>, ctx)
    if (outcome._tag === "Interrupted") {
      interrupted = true
      break
    }
  }
  const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
  const samples = evaluations.flatMap((e) => e.samples)
  yield* files.writeText("samples.jsonl", samples.map((s) => `${JSON.stringify(s)}\n`).join(""))
  const last = evaluations.at(-1)
  yield* writeJson("results.json", {
    ...results,
    config: configSummary(run),
    seconds,
    ...(last === undefined ? {} : { confusion: last.confusion }),
    ...(interrupted ? { interrupted: true } : {})
  })
  return { results, interrupted, seconds, dir: files.dir } satisfies PipelineResult
})
