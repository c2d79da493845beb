/**
 * The run's checkpoints, as the stages and the pipeline use them: save a stage's full state
 * (weights, AdamW moments and step, the stage's own position in its data), and, in a
 * resumed run, where to continue and how to put the model back. The Node implementation
 * (`node/RunCheckpointsNode.ts`) writes the trainer's checkpoints (`saveCheckpointNode`)
 * under `<run>/checkpoints/`.
 *
 * @since 0.1.0
 */
import type { Optimizer } from "@sapphire-rl/trainer"
import { Context, type Effect, type Option, Schema } from "effect"
import type { CheckpointReason } from "./runSteps.ts"
import type { EvalResult } from "./Stages.ts"

/**
 * What a stage hands over at a checkpoint.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckpointRequest {
  /** The stage kind (`sft`, `grpo`, `dpo`): the metrics lines' phase. */
  readonly phase: string
  /** Position of the stage in `config.stages`. */
  readonly stageIndex: number
  readonly stepsDone: number
  readonly reason: CheckpointReason
  /** The stage's optimizer: its parameters are the model's trainable tensors. */
  readonly optimizer: Optimizer
  /** What the stage needs to continue, as plain JSON (its data order and cursor, the policy version …). */
  readonly state: Readonly<Record<string, unknown>>
}

/**
 * An evaluation the run has done, by its position in the pipeline's plan.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedEvaluation {
  readonly position: number
  readonly label: string
  readonly result: EvalResult
}

/**
 * Where a resumed run continues.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResumePoint {
  /** The checkpoint directory. */
  readonly dir: string
  readonly stageIndex: number
  readonly phase: string
  readonly stepsDone: number
  readonly reason: CheckpointReason
  readonly state: Readonly<Record<string, unknown>>
  /** The checkpoint holding the weights the stage started from (null: the run's initial weights). */
  readonly startFrom: string | null
  readonly metricsLines: number
  /** Evaluations done before the checkpoint (not redone). */
  readonly evaluations: ReadonlyArray<RecordedEvaluation>
}

/**
 * The service.
 *
 * @since 0.1.0
 * @category services
 */
export class RunCheckpoints extends Context.Service<RunCheckpoints, {
  /** Writes a checkpoint (atomically); after a lost device only a note, the weights being gone. */
  readonly save: (request: CheckpointRequest) => Effect.Effect<void>
  /** Set when the run continues from a checkpoint. */
  readonly resume: Option.Option<ResumePoint>
  /** Puts the weights, AdamW moments and step of checkpoint `dir` into the model and `optimizer`. */
  readonly restore: (dir: string, optimizer: Optimizer) => Effect.Effect<void>
  /** Puts the weights of checkpoint `dir` into the model (`null`: the initial weights, which a resumed run still holds). */
  readonly restoreWeights: (dir: string | null) => Effect.Effect<void>
  /** Remembers an evaluation, so later checkpoints carry it and a resumed run need not redo it. */
  readonly recordEvaluation: (evaluation: RecordedEvaluation) => Effect.Effect<void>
}>()("@sapphire-rl/runtime/RunCheckpoints") {}

/**
 * A checkpoint that cannot be resumed from (missing, not a run checkpoint, another run's).
 *
 * @since 0.1.0
 * @category errors
 */
export class ResumeError extends Schema.TaggedError<ResumeError>()("ResumeError", {
  path: Schema.String,
  message: Schema.String,
  cause: Schema.Defect()
}) {}
