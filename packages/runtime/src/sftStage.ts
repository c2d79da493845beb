/**
 * The SFT stage: completion-only loss over the training split's conversations, shuffled
 * per epoch by the run's seed, AdamW with a cosine schedule, through the trainer's `sftStep`.
 *
 * @since 0.1.0
 */
import { cosineWithWarmup, makeOptimizer, sftStep } from "@sapphire-rl/trainer"
import { Effect } from "effect"
import { sftIds } from "./chatIds.ts"
import type { SftStage } from "./RunConfig.ts"
import { runSteps } from "./runSteps.ts"
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
    const optimizer = makeOptimizer(kit.trainable(), { weightDecay: stage.weightDecay, maxGradNorm: stage.maxGradNorm })
    let order: Array<(typeof examples)[number]> = []
    const outcome = yield* runSteps({
      phase: "sft",
      start: 0,
      total,
      checkpointEvery: 0,
      show: ["loss"],
      checkpoint: (done, reason) => kit.checkpoint("sft", done, reason),
      step: (index) =>
        Effect.gen(function*() {
          const epoch = Math.floor(index / stepsPerEpoch)
          if (index % stepsPerEpoch === 0) order = shuffled(examples, ctx.config.seed * 7919 + epoch)
          const at = (index % stepsPerEpoch) * perStep
          const batch = order.slice(at, at + perStep)
          const started = Date.now()
          const m = yield* kit.onDevice("sft", () => sftStep(model, optimizer, batch, { lr: lr(index), maxTokens: MICRO_BATCH_TOKENS }))
          const seconds = (Date.now() - started) / 1000
          const trained = batch.reduce((n, e) => n + e.ids.length, 0)
          return { loss: m.loss, lr: m.lr, grad_norm: m.gradNorm, epoch, "tokens_per_s/train": trained / seconds, seconds }
        })
    }).pipe(Effect.provide(kit.loopServices), Effect.ensuring(Effect.sync(() => optimizer.dispose())))
    kit.policyVersion.current++
    return outcome
  })
