/**
 * The stand-alone DPO stage: the policy samples `samples` completions for each training
 * prompt (the GRPO split), the run's reward plugins score them, and each prompt whose
 * samples differ gives a pair (a highest-reward completion chosen, a lowest rejected); then
 * DPO epochs over the pairs against the weights the stage started from (frozen; the base
 * with adapters off under LoRA).
 *
 * @since 0.1.0
 */
import { Effect, Stream } from "effect"
import { rolloutPrompts } from "./rolloutPrompts.ts"
import { runDpoSteps } from "./dpoSteps.ts"
import { frozenReference } from "./frozenReference.ts"
import { stepContexts } from "./PluginContexts.ts"
import { preferencePairs } from "./preferencePairs.ts"
import { rolloutGroups } from "./Rollouts.ts"
import type { DpoStage } from "./RunConfig.ts"
import { stageError, type StageKit } from "./StageKit.ts"
import { StageError, type StageContext } from "./Stages.ts"

/**
 * `Stages.dpo` over the kit.
 *
 * @since 0.1.0
 * @category stages
 */
export const dpoStage = (kit: StageKit) =>
  Effect.fn("Stages.dpo")(function*(stage: DpoStage, ctx: StageContext) {
    const { tokenizer, stop } = kit
    const prompts = rolloutPrompts(tokenizer, ctx.data)
    if (prompts.length === 0) return yield* new StageError({ stage: "dpo", message: "no training prompts for DPO (the GRPO split is empty; lower split.sftRatio)", cause: null })
    // A resumed run samples the pairs again from the weights the stage started from: same seeds, same pairs.
    const resume = ctx.resume
    if (resume !== undefined) yield* kit.checkpoints.restoreWeights(resume.startFrom)
    yield* kit.publish("dpo", true)
    const { labelSpace, grouper } = ctx.plugins.grouper
    const source = {
      labelSpace,
      grouper,
      seed: ctx.config.seed,
      countTokens: (text: string) => tokenizer.encode(text, { addSpecialTokens: false }).length,
      signal: stop.signal
    }
    const contexts = stepContexts(source, "dpo-pairs", ctx.index, 1)
    const groups = Array.from(yield* rolloutGroups(Stream.fromIterable(prompts), {
      groupSize: stage.samples,
      temperature: stage.temperature,
      topP: stage.topP,
      topK: stage.topK,
      maxNewTokens: stage.maxNewTokens,
      promptsPerCall: 16,
      scoringConcurrency: 4,
      policyVersion: kit.policyVersion.current,
      seed: ctx.config.seed * 999_983 + ctx.index,
      context: contexts.context,
      resampling: undefined
    }).pipe(Stream.runCollect, Effect.provide(kit.services), Effect.mapError(stageError("dpo"))))
    const pairs = preferencePairs(groups)
    yield* Effect.logInfo(`dpo: ${pairs.length} preference pairs from ${prompts.length} prompts × ${stage.samples} samples`)
    if (pairs.length === 0) {
      return yield* new StageError({
        stage: "dpo",
        message: `no preference pairs: every one of ${prompts.length} prompts got the same total reward on all ${stage.samples} samples (more samples or a higher temperature give the rewards a chance to differ)`,
        cause: null
      })
    }
    const { reference, dispose } = yield* frozenReference(kit)
    return yield* runDpoSteps(kit, {
      phase: "dpo",
      pairs,
      reference,
      epochs: stage.epochs,
      pairsPerStep: stage.batchSize * stage.gradientAccumulation,
      beta: stage.beta,
      learningRate: stage.learningRate,
      warmupRatio: stage.warmupRatio,
      minLrRatio: stage.minLrRatio,
      weightDecay: stage.weightDecay,
      maxGradNorm: stage.maxGradNorm,
      seed: ctx.config.seed * 7919 + 104_729 * (ctx.index + 1),
      checkpointEvery: stage.checkpointEvery,
      stageIndex: ctx.index,
      resume
    }).pipe(Effect.ensuring(Effect.sync(dispose)))
  })
