/**
 * What the pipeline asks of a trainer, one method per stage kind: the seam between the
 * runtime (config, plugins, data, files, the step loop) and the training loops. The
 * trainer package's adapter provides it over the real loops; tests provide fakes.
 *
 * @since 0.1.0
 */
import type { EvalScores, SampleCompletion } from "@sapphire-rl/report"
import { Context, type Effect, Schema } from "effect"
import type { PluginSet } from "./PluginSet.ts"
import type { PreparedData } from "./prepareData.ts"
import type { DpoStage, EvalStage, GrpoStage, RunConfig, SftStage } from "./RunConfig.ts"
import type { DeviceLostDuringRun } from "./DeviceLoss.ts"
import type { ResumePoint } from "./RunCheckpoints.ts"
import type { PhaseOutcome } from "./runSteps.ts"

// The shapes results.json and samples.jsonl hold: the report package reads them back.
export type { EvalScores, SampleCompletion, TargetScores } from "@sapphire-rl/report"

/**
 * An evaluation's result.
 *
 * @since 0.1.0
 * @category models
 */
export interface EvalResult {
  readonly scores: EvalScores
  readonly samples: ReadonlyArray<SampleCompletion>
  /** gold family → predicted family counts, for the report's confusion map. */
  readonly confusion: ReadonlyArray<{ readonly gold: string; readonly predicted: string; readonly count: number }>
}

/**
 * What every stage receives.
 *
 * @since 0.1.0
 * @category models
 */
export interface StageContext {
  readonly config: RunConfig
  readonly plugins: PluginSet
  readonly data: PreparedData
  /** Position of the stage in `config.stages`. */
  readonly index: number
  /** Where this stage continues from, when the run resumes inside it (or right after it). */
  readonly resume?: ResumePoint | undefined
}

/**
 * A stage failed for a reason of its own (the trainer's errors, a NaN loss …).
 *
 * @since 0.1.0
 * @category errors
 */
export class StageError extends Schema.TaggedError<StageError>()("StageError", {
  stage: Schema.String,
  message: Schema.String,
  cause: Schema.Defect()
}) {}

/**
 * The training loops, as the pipeline uses them. `R` is left open: an implementation's
 * own requirements (Engine, PolicyModel, Device, MetricsLog …) are provided by its layer.
 *
 * @since 0.1.0
 * @category services
 */
export class Stages extends Context.Service<Stages, {
  readonly sft: (stage: SftStage, ctx: StageContext) => Effect.Effect<PhaseOutcome, StageError | DeviceLostDuringRun>
  readonly grpo: (stage: GrpoStage, ctx: StageContext) => Effect.Effect<PhaseOutcome, StageError | DeviceLostDuringRun>
  readonly dpo: (stage: DpoStage, ctx: StageContext) => Effect.Effect<PhaseOutcome, StageError | DeviceLostDuringRun>
  readonly eval: (stage: EvalStage, ctx: StageContext, label: string) => Effect.Effect<EvalResult, StageError | DeviceLostDuringRun>
}>()("@sapphire-rl/runtime/Stages") {}
