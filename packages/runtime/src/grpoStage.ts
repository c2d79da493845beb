/**
 * The GRPO stage: rollouts as a stream of scored groups from the run's engine (static
 * curricula after one probe pass, online curricula per batch), then the trainer's
 * `grpoStep` with the run's advantage, loss and KL plugins, publishing the policy after
 * every step to a remote engine.
 *
 * @since 0.1.0
 */
import type { DrgGold } from "@sapphire-rl/spec"
import { constantWithWarmup, grpoStep, makeOptimizer, type ReferenceScorer } from "@sapphire-rl/trainer"
import { Effect, Fiber, Schema, Stream } from "effect"
import { rolloutPrompts } from "./rolloutPrompts.ts"
import { stepContexts } from "./PluginContexts.ts"
import { rewardBounds } from "./RewardScorer.ts"
import { rolloutGroups, type RolloutPrompt } from "./Rollouts.ts"
import { EvalStage, type GrpoStage } from "./RunConfig.ts"
import { type PhaseOutcome, runSteps } from "./runSteps.ts"
import { shuffled } from "./shuffled.ts"
import { MICRO_BATCH_TOKENS, stageError, type StageKit } from "./StageKit.ts"
import { StageError, type StageContext } from "./Stages.ts"
import { evalStage } from "./evalStage.ts"
import { frozenReference } from "./frozenReference.ts"
import { stagedLearning } from "./stagedLearning.ts"
import { summary } from "./summary.ts"

/**
 * `Stages.grpo` over the kit.
 *
 * @since 0.1.0
 * @category stages
 */
export const grpoStage = (kit: StageKit) =>
  Effect.fn("Stages.grpo")(function*(stage: GrpoStage, ctx: StageContext) {
    const { model, tokenizer, stop } = kit
    const { advantage, loss, kl, resampling } = ctx.plugins
    if (loss === undefined) return yield* new StageError({ stage: "grpo", message: "a GRPO stage needs a loss plugin", cause: null })
    const split = rolloutPrompts(tokenizer, ctx.data)
    if (split.length === 0) return yield* new StageError({ stage: "grpo", message: "no GRPO prompts in the training split", cause: null })
    // promptPool: a seeded sample of the GRPO split, so a static curriculum's probe costs what
    // the steps will use rather than the whole split.
    const prompts = stage.promptPool > 0 && stage.promptPool < split.length
      ? shuffled(split, ctx.config.seed * 7919 + 17).slice(0, stage.promptPool)
      : split
    const total = stage.steps
    const scoreTemperature = stage.scoreAtSamplingTemperature ? stage.temperature : 1
    if (scoreTemperature !== 1 && stage.importanceCap !== false) {
      return yield* new StageError({ stage: "grpo", message: `scoreAtSamplingTemperature scores the policy at temperature ${stage.temperature}, but importanceCap compares it with the engine's log-probs at temperature 1: set importanceCap to false`, cause: null })
    }
    const betas = Array.from({ length: total }, (_, s) => kl?.beta(s, total) ?? 0)
    // A resumed run first puts back the weights this stage started from: the frozen
    // reference and the curricula's probe are made from them, as in the first run.
    const resume = ctx.resume
    if (resume !== undefined) yield* kit.checkpoints.restoreWeights(resume.startFrom)
    // The reference: the weights GRPO starts from, frozen (full training); the base with adapters off (LoRA).
    const frozen = betas.some((b) => b !== 0) ? yield* frozenReference(kit) : undefined
    const reference: ReferenceScorer | undefined = frozen?.reference
    const lr = constantWithWarmup({ base: stage.learningRate, warmupSteps: Math.ceil(stage.warmupRatio * total) })
    const optimizer = makeOptimizer(kit.trainable(), { weightDecay: stage.weightDecay, maxGradNorm: stage.maxGradNorm })
    const { labelSpace, grouper } = ctx.plugins.grouper
    const source = {
      labelSpace,
      grouper,
      seed: ctx.config.seed,
      countTokens: (text: string) => tokenizer.encode(text, { addSpecialTokens: false }).length,
      signal: stop.signal
    }
    const bounds = rewardBounds(ctx.plugins.rewards)
    const rolloutBase = {
      temperature: stage.temperature,
      topP: stage.topP,
      topK: stage.topK,
      maxNewTokens: stage.maxNewTokens,
      scoringConcurrency: stage.scoringConcurrency
    }
    // Static curricula: one probe pass over the GRPO prompts (as many samples as the most
    // demanding asks for), then each curriculum's prepare, in list order.
    let pool = prompts
    const byId = new Map(prompts.map((p) => [p.exampleId, p]))
    const promptsOf = (ids: unknown): Array<RolloutPrompt<DrgGold>> =>
      (Array.isArray(ids) ? ids : []).map((id) => {
        const p = byId.get(String(id))
        if (p === undefined) throw new Error(`the checkpoint names GRPO prompt ${String(id)}, which is not in this run's training split (different data or seed?)`)
        return p
      })
    const preparing = ctx.plugins.curricula.filter((c) => c.prepare !== undefined)
    if (preparing.length > 0 && resume !== undefined && Array.isArray(resume.state.pool)) {
      // The probe saw the stage's starting weights; the checkpoint keeps what the curricula kept.
      pool = yield* Effect.try({ try: () => promptsOf(resume.state.pool), catch: stageError("grpo") })
    } else if (preparing.length > 0) {
      const samples = Math.max(2, ...preparing.map((c) => c.probe?.samples ?? stage.groupSize))
      const contexts = stepContexts(source, "probe", 0, 1)
      const probed = Array.from(yield* rolloutGroups(Stream.fromIterable(prompts), {
        ...rolloutBase,
        groupSize: samples,
        promptsPerCall: Math.max(stage.promptsPerStep, 16),
        policyVersion: kit.policyVersion.current,
        seed: ctx.config.seed * 1_000_003 - 1,
        context: contexts.context,
        resampling: undefined
      }).pipe(Stream.runCollect, Effect.provide(kit.services), Effect.mapError(stageError("grpo"))))
      const probe = new Map(probed.map((g) => [g.exampleId, { exampleId: g.exampleId, rewards: g.rewards }]))
      let ids: ReadonlyArray<string> = prompts.map((p) => p.exampleId)
      for (const c of preparing) ids = c.prepare!(ids, probe, bounds, contexts.context(c.name))
      pool = ids.flatMap((id) => byId.get(id) ?? [])
      yield* Effect.logInfo(`curriculum: probed ${prompts.length} prompts × ${samples} samples; ${preparing.map((c) => c.name).join(", ")} kept ${pool.length}`)
      if (pool.length === 0) return yield* new StageError({ stage: "grpo", message: `the curricula (${preparing.map((c) => c.name).join(", ")}) removed all ${prompts.length} probed GRPO prompts`, cause: null })
    }
    // A static curriculum owns the order (easy-to-hard); otherwise each pass over the prompts is shuffled.
    const keepOrder = preparing.length > 0
    let order: Array<RolloutPrompt<DrgGold>> = []
    let cursor = 0
    const take = (n: number, epochSeed: number): Array<RolloutPrompt<DrgGold>> => {
      const out: Array<RolloutPrompt<DrgGold>> = []
      while (out.length < n) {
        if (cursor >= order.length) {
          order = keepOrder ? [...pool] : shuffled(pool, epochSeed + out.length + cursor)
          cursor = 0
        }
        out.push(order[cursor++]!)
      }
      return out
    }
    const selecting = ctx.plugins.curricula.filter((c) => c.selectBatch !== undefined)
    // asyncRollouts: the next step's batch, generated while this step trained, and the prompt
    // order and cursor from before it was taken: a checkpoint records those, so a resumed run
    // generates that batch again (from the restored policy) instead of skipping its prompts.
    let prefetched: { readonly batch: Effect.Success<ReturnType<typeof generate>>; readonly order: Array<RolloutPrompt<DrgGold>>; readonly cursor: number } | undefined
    // Staged learning: the stage plugin's SFT / DPO on the cases it selects, at the start of each phase after the first.
    const between = stagedLearning(kit, { ctx, stage, prompts, source, bounds })
    const state = () => ({
      policyVersion: kit.policyVersion.current,
      order: (prefetched?.order ?? order).map((p) => p.exampleId),
      cursor: prefetched?.cursor ?? cursor,
      ...(preparing.length > 0 ? { pool: pool.map((p) => p.exampleId) } : {})
    })
    if (stage.asyncRollouts) {
      // Local rollouts share the training device: nothing would overlap, the batches would only go stale.
      if (ctx.config.engine.kind !== "remote") return yield* new StageError({ stage: "grpo", message: "asyncRollouts needs a remote engine (engine.kind \"remote\" / --rollouts); the local engine shares the training device", cause: null })
      if (stage.importanceCap === false) return yield* new StageError({ stage: "grpo", message: "asyncRollouts needs importanceCap (its rollouts are one policy version stale and must be corrected)", cause: null })
    }
    // One step's rollouts: the prompts, groups and plugin contexts of step `index`, and the
    // policy version they were sampled with. The prompts and the version are taken when
    // `generate` is called (not when a forked fiber gets to run): `take` advances the prompt
    // cursor, so batches come in step order, async or not.
    const generate = (index: number) => {
      const contexts = stepContexts(source, "grpo", index, total)
      const epochSeed = ctx.config.seed * 104729 + index
      const first = take(stage.promptsPerStep, epochSeed)
      const version = kit.policyVersion.current
      const batchOf = (prompts: ReadonlyArray<RolloutPrompt<DrgGold>>, batchIndex: number) =>
        rolloutGroups(Stream.fromIterable(prompts), {
          groupSize: stage.groupSize,
          temperature: stage.temperature,
          topP: stage.topP,
          topK: stage.topK,
          maxNewTokens: stage.maxNewTokens,
          promptsPerCall: stage.promptsPerStep,
          scoringConcurrency: stage.scoringConcurrency,
          policyVersion: version,
          seed: ctx.config.seed * 1_000_003 + index,
          firstIndex: batchIndex * stage.promptsPerStep,
          context: contexts.context,
          resampling,
          emitDiscarded: true
        }).pipe(Stream.runCollect, Effect.provide(kit.services), Effect.mapError(stageError("grpo")))
      return Effect.gen(function*() {
        const started = Date.now()
        // Dynamic sampling: while the resampling plugin discards groups, whole batches of
        // further prompts refill the step (whole batches, so the prompt cursor, and with it a
        // resumed run, does not depend on timing); the first promptsPerStep kept are trained.
        const sampled = Array.from(yield* batchOf(first, 0))
        let batches = 1
        const keptCount = () => sampled.reduce((n, g) => n + (g.discarded ? 0 : 1), 0)
        // Each batch emits a group per prompt, so fewer kept than promptsPerStep means some were discarded.
        while (keptCount() < stage.promptsPerStep && batches < stage.maxGenerationBatches) {
          sampled.push(...(yield* batchOf(take(stage.promptsPerStep, epochSeed), batches)))
          batches++
        }
        const groups = sampled.filter((g) => !g.discarded).slice(0, stage.promptsPerStep)
        return { groups, sampled, batches, contexts, version, seconds: (Date.now() - started) / 1000 }
      })
    }
    let start = 0
    if (resume !== undefined) {
      const restored = yield* Effect.try({ try: () => promptsOf(resume.state.order), catch: stageError("grpo") })
      yield* kit.checkpoints.restore(resume.dir, optimizer).pipe(Effect.onError(() => Effect.sync(() => {
        optimizer.dispose()
        frozen?.dispose()
      })))
      order = restored
      cursor = Number(resume.state.cursor ?? 0)
      kit.policyVersion.current = Number(resume.state.policyVersion ?? kit.policyVersion.current)
      start = resume.stepsDone
      yield* Effect.logInfo(`grpo: resumed after step ${start} of ${total}`)
    }
    // evalEvery: held-out Pass@1 over steps, with the run's evaluation settings (its first
    // eval stage after this one, else the defaults), so the curve ends where the final eval does.
    const evaluate = evalStage(kit)
    const evalSettings = ctx.config.stages.slice(ctx.index + 1).find((s): s is EvalStage => s.kind === "eval") ??
      Schema.decodeUnknownSync(EvalStage)({ kind: "eval", temperature: 0.6, topP: 0.95, maxNewTokens: stage.maxNewTokens })
    yield* kit.publish("grpo", true)
    const outcome = yield* (start >= total ? Effect.succeed<PhaseOutcome>({ _tag: "Completed", stepsDone: start }) : runSteps({
      phase: "grpo",
      start,
      total,
      checkpointEvery: stage.checkpointEvery,
      show: ["reward/total/mean", "kl"],
      checkpoint: (done, reason) => kit.checkpoints.save({ phase: "grpo", stageIndex: ctx.index, stepsDone: done, reason, optimizer, state: state() }),
      step: (index) =>
        Effect.gen(function*() {
          yield* between.run(index)
          const stepStarted = Date.now()
          const { groups, sampled, batches, contexts, version, seconds: generated } = prefetched?.batch ?? (yield* generate(index))
          prefetched = undefined
          // Forked before this step trains, so it samples the policy before this step's update
          // (one version stale when trained on), and joined before that update is published,
          // so no request of it can reach a server that already holds the next version.
          const before = { order, cursor }
          // Not across a staged-learning boundary: the next step's rollouts come after its SFT / DPO phase.
          const next = stage.asyncRollouts && index + 1 < total && !between.startsPhase(index + 1) ? yield* Effect.forkChild(generate(index + 1)) : undefined
          const staleness = kit.policyVersion.current - version
          // Online curricula keep the groups whose difficulty suits them (each in turn).
          let trained = groups
          for (const c of selecting) {
            const keep = new Set(c.selectBatch!(trained.map((g) => ({ exampleId: g.exampleId, rewards: g.rewards, attempt: g.attempts })), bounds, contexts.context(c.name)))
            trained = trained.filter((g) => keep.has(g.exampleId))
          }
          const trainStarted = Date.now()
          const m = yield* kit.onDevice("grpo", () =>
            grpoStep(model, optimizer, trained.map((g) => ({
              prompt: g.prompt,
              completions: g.completions.map((c) => ({ ids: c.ids, logprobs: Array.from(c.logprobs), finishReason: c.finishReason })),
              rewards: g.rewards
            })), {
              advantage,
              loss,
              beta: betas[index] ?? 0,
              estimator: kl?.estimator ?? "k3",
              ...(reference === undefined ? {} : { reference }),
              lr: lr(index),
              iterations: stage.iterations,
              clip: { low: stage.epsilon, high: stage.epsilonHigh ?? stage.epsilon },
              maxCompletionLength: stage.maxNewTokens,
              maskTruncated: stage.maskTruncated,
              maxTokens: MICRO_BATCH_TOKENS,
              ...(stage.importanceCap === false ? {} : { importanceCap: stage.importanceCap }),
              ...(scoreTemperature === 1 ? {} : { temperature: scoreTemperature })
            }))
          kit.policyVersion.current++
          const trainSeconds = (Date.now() - trainStarted) / 1000
          if (next !== undefined) prefetched = { batch: yield* Fiber.join(next), ...before }
          yield* kit.publish("grpo", false)
          const values: Record<string, number> = { ...m }
          // Rewards, lengths and rates over every group sampled this step (discarded ones
          // included): the policy's own numbers, not those of the groups kept for training.
          const lengths = sampled.flatMap((g) => g.completions.map((c) => c.ids.length))
          const totals = summary(sampled.flatMap((g) => g.rewards))
          values["reward/total/mean"] = totals.mean
          values["reward/total/std"] = totals.std
          for (const plugin of ctx.plugins.rewards) {
            const scores = sampled.flatMap((g) => g.byPlugin.get(plugin.name) ?? []).filter((x): x is number => x !== null)
            if (scores.length === 0) continue
            const s = summary(scores)
            values[`reward/${plugin.name}/mean`] = s.mean
            values[`reward/${plugin.name}/std`] = s.std
          }
          const len = summary(lengths)
          values["completion_length/min"] = len.min
          values["completion_length/mean"] = len.mean
          values["completion_length/max"] = len.max
          values.resample_attempts = sampled.reduce((n, g) => n + g.attempts - 1, 0)
          if (resampling !== undefined) {
            values.generation_batches = batches
            values.discarded_fraction = sampled.filter((g) => g.discarded).length / Math.max(1, sampled.length)
          }
          values["tokens_per_s/generate"] = lengths.reduce((a, b) => a + b, 0) / Math.max(1e-9, generated)
          values["tokens_per_s/train"] = m.train_tokens / Math.max(1e-9, trainSeconds)
          // Wall time of the step (async: its own generation overlapped the previous step).
          values.seconds = (Date.now() - stepStarted) / 1000
          values.policy_staleness = staleness
          if (selecting.length > 0) values.curriculum_kept_fraction = trained.length / Math.max(1, groups.length)
          for (const [k, v] of contexts.metrics) values[k] = v
          if (stage.evalEvery > 0 && (index + 1) % stage.evalEvery === 0 && index + 1 < total) {
            const held = yield* evaluate(evalSettings, ctx, `grpo step ${index + 1}`)
            values["eval/drg/pass1"] = held.scores.drg.pass1
            values["eval/family/pass1"] = held.scores.family.pass1
            values["eval/tier/pass1"] = held.scores.tier.pass1
          }
          return values
        })
    }).pipe(Effect.provide(kit.loopServices))).pipe(Effect.ensuring(Effect.sync(() => {
      optimizer.dispose()
      frozen?.dispose()
    })))
    return outcome
  })
