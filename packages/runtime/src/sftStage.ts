/**
 * The SFT stage: completion-only loss over the training split's conversations, shuffled
 * per epoch by the run's seed, AdamW with a cosine schedule, through the trainer's `sftStep`.
 * A resumed run restores the weights and optimizer and continues at the next step (the
 * order of an epoch depends on the seed and the epoch only).
 *
 * @since 0.1.0
 */
import { cosineWithWarmup, makeOptimizer, sftStep } from "@sapphire-rl/trainer"
import { Effect } from "effect"
import { sftIds } from "./chatIds.ts"
import type { SftStage } from "./RunConfig.ts"
import { type PhaseOutcome, runSteps } from "./runSteps.ts"
import { shuffled } from "./shuffled.ts"
import { MICRO_BATCH_TOKENS, type StageKit } from "./StageKit.ts"
import { StageError, type StageContext } from "./Stages.ts"

/**
 * `Stages.sft` over the kit.
 *
 * @since 0.1.0
 * @category stages
 */
export const sftStage = (kit: StageKit) =>
  Effect.fn("Stages.sft")(function*(stage: SftStage, ctx: StageContext) {
    const { model, tokenizer, eos } = kit
    const examples = ctx.data.sft.map((e) => sftIds(tokenizer, e.messages, stage.maxLength, eos))
    if (examples.length === 0) return yield* new StageError({ stage: "sft", message: "no SFT examples in the training split", cause: null })
    const perStep = stage.batchSize * stage.gradientAccumulation
    const stepsPerEpoch = Math.ceil(examples.length / perStep)
    const total = stepsPerEpoch * stage.epochs
    const lr = cosineWithWarmup({ base: stage.learningRate, totalSteps: total, warmupSteps: Math.ceil(stage.warmupRatio * total), minRatio: stage.minLrRatio })
    const resume = ctx.resume
    if (resume !== undefined) yield* kit.checkpoints.restoreWeights(resume.startFrom)
    const optimizer = makeOptimizer(kit.trainable(), { weightDecay: stage.weightDecay, maxGradNorm: stage.maxGradNorm })
    let order: Array<(typeof examples)[number]> = []
    let orderEpoch = -1
    const outcome = yield* Effect.gen(function*() {
      let start = 0
      if (resume !== undefined) {
        yield* kit.checkpoints.restore(resume.dir, optimizer)
        start = resume.stepsDone
        kit.policyVersion.current = Number(resume.state.policyVersion ?? kit.policyVersion.current)
        yield* Effect.logInfo(`sft: resumed after step ${start} of ${total}`)
      }
      if (start >= total) return { _tag: "Completed", stepsDone: start } satisfies PhaseOutcome as PhaseOutcome
      return yield* runSteps({
        phase: "sft",
        start,
        total,
        checkpointEvery: stage.checkpointEvery,
        show: ["loss"],
        checkpoint: (done, reason) =>
          kit.checkpoints.save({ phase: "sft", stageIndex: ctx.index, stepsDone: done, reason, optimizer, state: { policyVersion: kit.policyVersion.current } }),
        step: (index) =>
          Effect.gen(function*() {
            const epoch = Math.floor(index / stepsPerEpoch)
            if (epoch !== orderEpoch) {
              order = shuffled(examples, ctx.config.seed * 7919 + epoch)
              orderEpoch = epoch
            }
            const at = (index % stepsPerEpoch) * perStep
            const batch = order.slice(at, at + perStep)
            const started = Date.now()
            const m = yield* kit.onDevice("sft", () => sftStep(model, optimizer, batch, { lr: lr(index), maxTokens: MICRO_BATCH_TOKENS }))
            const seconds = (Date.now() - started) / 1000
            const trained = batch.reduce((n, e) => n + e.ids.length, 0)
            return { loss: m.loss, lr: m.lr, grad_norm: m.gradNorm, epoch, "tokens_per_s/train": trained / seconds, seconds }
          })
      }).pipe(Effect.provide(kit.loopServices))
    }).pipe(Effect.ensuring(Effect.sync(() => optimizer.dispose())))
    kit.policyVersion.current++
    return outcome
  })
