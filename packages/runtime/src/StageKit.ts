/**
 * What every trainer stage shares: the run's services captured once by
 * `trainerStagesLayer`, the device helpers, the policy version and its publication to a
 * remote engine, and the run's checkpoints.
 *
 * @since 0.1.0
 */
import type { Qwen2Model, TextTokenizer } from "@sapphire-rl/model"
import { Engine, type GenerationRequest, type GenerationResult, PolicySync } from "@sapphire-rl/engine"
import type { Tensor } from "@sapphire-rl/tensor"
import { Effect, Layer, Option } from "effect"
import { Device } from "./Device.ts"
import { MetricsLog } from "./MetricsLog.ts"
import { PolicyModel, type PolicyModelShape } from "./PolicyModel.ts"
import { Progress } from "./Progress.ts"
import { RewardScorer } from "./RewardScorer.ts"
import { StageError } from "./Stages.ts"
import { RunCheckpoints } from "./RunCheckpoints.ts"
import { StopSignal } from "./StopSignal.ts"

/** Padded tokens per micro-batch: bounds activation memory whatever the batch size. */
export const MICRO_BATCH_TOKENS = 8192

/**
 * A stage's failure from any thrown cause, keeping the cause.
 *
 * @since 0.1.0
 * @category errors
 */
export const stageError = (stage: string) => (cause: unknown) =>
  new StageError({ stage, message: cause instanceof Error ? cause.message : String(cause), cause })

/**
 * The shared pieces.
 *
 * @since 0.1.0
 * @category models
 */
export interface StageKit {
  readonly policy: PolicyModelShape
  readonly model: Qwen2Model
  readonly tokenizer: TextTokenizer
  /** The end-of-turn token SFT completions end with. */
  readonly eos: number
  readonly device: Device["Service"]
  readonly engine: Engine["Service"]
  readonly scorer: RewardScorer["Service"]
  readonly progress: Progress["Service"]
  readonly stop: StopSignal["Service"]
  /** Engine and RewardScorer, for rollouts. */
  readonly services: Layer.Layer<Engine | RewardScorer>
  /** The step loop's own services, so the stages need nothing at call time. */
  readonly loopServices: Layer.Layer<MetricsLog | Progress | StopSignal>
  /** The run's checkpoints; without a `RunCheckpoints` service, none are written and nothing resumes. */
  readonly checkpoints: RunCheckpoints["Service"]
  /** The model's trainable tensors, in parameter order. */
  readonly trainable: () => Array<Tensor>
  /** Bumped after every optimizer step that changes the policy (rollouts carry it). */
  readonly policyVersion: { current: number }
  /** Publishes the live policy to a remote engine's servers if it changed since the last publication. */
  readonly publish: (stage: string, initial: boolean) => Effect.Effect<void, StageError>
  /** Runs device work holding the device; a thrown error becomes a `StageError`. */
  readonly onDevice: <A>(stage: string, run: () => Promise<A>) => Effect.Effect<A, StageError>
  readonly generateOnDevice: (stage: string, requests: ReadonlyArray<GenerationRequest>) => Effect.Effect<Array<GenerationResult>, StageError>
}

const noCheckpoints: RunCheckpoints["Service"] = {
  save: () => Effect.void,
  resume: Option.none(),
  restore: () => Effect.die(new Error("no RunCheckpoints service: nothing to restore")),
  restoreWeights: () => Effect.die(new Error("no RunCheckpoints service: nothing to restore")),
  recordEvaluation: () => Effect.void
}

/**
 * Captures the run's services.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStageKit = Effect.fn("makeStageKit")(function*() {
  const policy = yield* PolicyModel
  const device = yield* Device
  const engine = yield* Engine
  const scorer = yield* RewardScorer
  const progress = yield* Progress
  const stop = yield* StopSignal
  const metricsLog = yield* MetricsLog
  const { model, tokenizer } = policy
  const policyVersion = { current: 0 }
  // A remote engine's servers sample from what was last published: the live model is
  // published before a stage's first rollout (full weights) and after every GRPO step.
  const policySync = yield* Effect.serviceOption(PolicySync)
  let published = -1
  const kit: StageKit = {
    policy,
    model,
    tokenizer,
    eos: model.config.eosTokenIds[0] ?? 0,
    device,
    engine,
    scorer,
    progress,
    stop,
    services: Layer.mergeAll(Layer.succeed(Engine, engine), Layer.succeed(RewardScorer, scorer)),
    loopServices: Layer.mergeAll(
      Layer.succeed(MetricsLog, metricsLog),
      Layer.succeed(Progress, progress),
      Layer.succeed(StopSignal, stop)
    ),
    checkpoints: Option.getOrElse(yield* Effect.serviceOption(RunCheckpoints), () => noCheckpoints),
    trainable: () => model.parameters().map(([, t]) => t),
    policyVersion,
    publish: (stage, initial) =>
      Option.isNone(policySync) || published === policyVersion.current
        ? Effect.void
        : device.use(policySync.value.push(model, policyVersion.current, { initial })).pipe(
          Effect.mapError(stageError(stage)),
          Effect.tap(() => Effect.sync(() => (published = policyVersion.current)))
        ),
    onDevice: (stage, run) => device.use(Effect.tryPromise({ try: run, catch: stageError(stage) })),
    generateOnDevice: (stage, requests) => engine.generate(requests).pipe(Effect.mapError(stageError(stage)))
  }
  return kit
})
