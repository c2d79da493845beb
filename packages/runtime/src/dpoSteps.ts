/**
 * DPO epochs over a fixed list of preference pairs, through the trainer's `dpoStep`: the
 * pairs shuffled per epoch by the run's seed, AdamW with a cosine schedule, one metrics
 * line per step. Used by the stand-alone DPO stage and by staged learning between GRPO phases.
 *
 * @since 0.1.0
 */
import { cosineWithWarmup, dpoStep, makeOptimizer, type ReferenceScorer } from "@sapphire-rl/trainer"
import { Effect } from "effect"
import type { ResumePoint } from "./RunCheckpoints.ts"
import { type CheckpointReason, type PhaseOutcome, runSteps } from "./runSteps.ts"
import { shuffled } from "./shuffled.ts"
import { MICRO_BATCH_TOKENS, type StageKit } from "./StageKit.ts"
import type { ScoredPair } from "./preferencePairs.ts"

/**
 * What the DPO steps run.
 *
 * @since 0.1.0
 * @category models
 */
export interface DpoSteps {
  /** The metrics lines' phase. */
  readonly phase: string
  readonly pairs: ReadonlyArray<ScoredPair>
  readonly reference: ReferenceScorer
  readonly epochs: number
  /** Pairs per optimizer step. */
  readonly pairsPerStep: number
  readonly beta: number
  readonly learningRate: number
  readonly warmupRatio: number
  readonly minLrRatio: number
  readonly weightDecay: number
  readonly maxGradNorm: number
  /** Seeds the per-epoch shuffle. */
  readonly seed: number
  readonly checkpointEvery: number
  /** The stage whose checkpoints these steps write (`undefined`: none, as for a phase inside another stage). */
  readonly stageIndex?: number
  readonly resume?: ResumePoint | undefined
  /** Added to every metrics line (staged learning: which phase boundary). */
  readonly values?: Readonly<Record<string, number>>
}

/**
 * Runs the steps; the optimizer lives for these steps only.
 *
 * @since 0.1.0
 * @category loops
 */
export const runDpoSteps = (kit: StageKit, run: DpoSteps) =>
  Effect.gen(function*() {
    const stepsPerEpoch = Math.ceil(run.pairs.length / run.pairsPerStep)
    const total = stepsPerEpoch * run.epochs
    const lr = cosineWithWarmup({ base: run.learningRate, totalSteps: total, warmupSteps: Math.ceil(run.warmupRatio * total), minRatio: run.minLrRatio })
    const optimizer = makeOptimizer(kit.trainable(), { weightDecay: run.weightDecay, maxGradNorm: run.maxGradNorm })
    let order: Array<ScoredPair> = []
    let orderEpoch = -1
    const save = (stepsDone: number, reason: CheckpointReason) =>
      run.stageIndex === undefined
        ? Effect.void
        : kit.checkpoints.save({ phase: run.phase, stageIndex: run.stageIndex, stepsDone, reason, optimizer, state: { policyVersion: kit.policyVersion.current } })
    return yield* Effect.gen(function*() {
      let start = 0
      if (run.resume !== undefined) {
        yield* kit.checkpoints.restore(run.resume.dir, optimizer)
        start = run.resume.stepsDone
        kit.policyVersion.current = Number(run.resume.state.policyVersion ?? kit.policyVersion.current)
        yield* Effect.logInfo(`${run.phase}: resumed after step ${start} of ${total}`)
      }
      if (start >= total) return { _tag: "Completed", stepsDone: start } satisfies PhaseOutcome as PhaseOutcome
      return yield* runSteps({
        phase: run.phase,
        start,
        total,
        checkpointEvery: run.checkpointEvery,
        show: ["loss", "margin"],
        checkpoint: save,
        step: (index) =>
          Effect.gen(function*() {
            const epoch = Math.floor(index / stepsPerEpoch)
            if (epoch !== orderEpoch) {
              order = shuffled(run.pairs, run.seed + epoch)
              orderEpoch = epoch
            }
            const at = (index % stepsPerEpoch) * run.pairsPerStep
            const batch = order.slice(at, at + run.pairsPerStep)
            const started = Date.now()
            const m = yield* kit.onDevice(run.phase, () => dpoStep(kit.model, optimizer, batch, { beta: run.beta, reference: run.reference, lr: lr(index), maxTokens: MICRO_BATCH_TOKENS }))
            kit.policyVersion.current++
            const seconds = (Date.now() - started) / 1000
            return {
              ...run.values,
              loss: m.loss,
              margin: m.margin,
              accuracy: m.accuracy,
              lr: m.lr,
              grad_norm: m.gradNorm,
              epoch,
              pairs: run.pairs.length,
              "tokens_per_s/train": m.tokens / Math.max(1e-9, seconds),
              seconds
            }
          })
      }).pipe(Effect.provide(kit.loopServices))
    }).pipe(Effect.ensuring(Effect.sync(() => optimizer.dispose())))
  })
