/**
 * The `Stages` the pipeline runs, over `@sapphire-rl/trainer`: SFT, GRPO (rollouts as a
 * stream of scored groups from the run's engine, then `grpoStep`) and evaluation
 * (`evaluateCases`), each step holding the device.
 *
 * @since 0.1.0
 */
import type { ChatMessage, TextTokenizer } from "@sapphire-rl/model"
import { Qwen2Model } from "@sapphire-rl/model"
import { Engine, type GenerationResult, PolicySync } from "@sapphire-rl/engine"
import { rlExample } from "@sapphire-rl/data"
import type { DrgGold, Rollout } from "@sapphire-rl/spec"
import {
  constantWithWarmup,
  cosineWithWarmup,
  evaluateCases,
  grpoStep,
  makeOptimizer,
  type ReferenceScorer,
  sftStep
} from "@sapphire-rl/trainer"
import { Effect, Layer, Option, Stream } from "effect"
import { Device } from "./Device.ts"
import { PolicyModel } from "./PolicyModel.ts"
import { systemPromptOf, withSystemPrompt } from "./prepareData.ts"
import { MetricsLog } from "./MetricsLog.ts"
import { Progress } from "./Progress.ts"
import { rolloutGroups, type RolloutPrompt } from "./Rollouts.ts"
import { rewardBounds, RewardScorer } from "./RewardScorer.ts"
import { runSteps, type CheckpointReason } from "./runSteps.ts"
import { stepContexts } from "./PluginContexts.ts"
import { StopSignal } from "./StopSignal.ts"
import { type EvalResult, type SampleCompletion, StageError, Stages } from "./Stages.ts"

/** Padded tokens per micro-batch: bounds activation memory whatever the batch size. */
const MICRO_BATCH_TOKENS = 8192

/**
 * Writes a checkpoint of a phase (weights, optimizer, cursor); the default writes none.
 *
 * @since 0.1.0
 * @category models
 */
export type CheckpointHook = (phase: string, stepsDone: number, reason: CheckpointReason) => Effect.Effect<void>

const stageError = (stage: string) => (cause: unknown) =>
  new StageError({ stage, message: cause instanceof Error ? cause.message : String(cause), cause })

/** A seeded shuffle (mulberry32), so a run's data order depends on its seed only. */
const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

const promptIds = (tokenizer: TextTokenizer, messages: ReadonlyArray<ChatMessage>): Array<number> =>
  tokenizer.encode(tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true }), { addSpecialTokens: false })

/** Prompt + completion ids of an SFT conversation (its last message is the assistant's), ending with the turn's end token. */
const sftIds = (tokenizer: TextTokenizer, messages: ReadonlyArray<ChatMessage>, maxLength: number, eos: number) => {
  const prompt = promptIds(tokenizer, messages.slice(0, -1))
  const completion = [...tokenizer.encode(messages.at(-1)?.content ?? "", { addSpecialTokens: false }), eos]
  const ids = [...prompt, ...completion].slice(0, maxLength)
  return { ids, start: Math.min(prompt.length, ids.length - 1) }
}

const summary = (values: ReadonlyArray<number>) => {
  const n = Math.max(1, values.length)
  const mean = values.reduce((a, b) => a + b, 0) / n
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n)
  return { mean, std, min: Math.min(...values), max: Math.max(...values) }
}

/**
 * The stages over the trainer, for the run's services.
 *
 * @since 0.1.0
 * @category layers
 */
export const trainerStagesLayer = (options: { readonly checkpoint?: CheckpointHook } = {}) =>
  Layer.effect(
    Stages,
    Effect.gen(function*() {
      const policy = yield* PolicyModel
      const device = yield* Device
      const engine = yield* Engine
      const scorer = yield* RewardScorer
      const progress = yield* Progress
      const stop = yield* StopSignal
      const metricsLog = yield* MetricsLog
      const services = Layer.mergeAll(
        Layer.succeed(Engine, engine),
        Layer.succeed(RewardScorer, scorer)
      )
      // The step loop's own services, captured here so the stages need nothing at call time.
      const loopServices = Layer.mergeAll(
        Layer.succeed(MetricsLog, metricsLog),
        Layer.succeed(Progress, progress),
        Layer.succeed(StopSignal, stop)
      )
      const { model, tokenizer } = policy
      const eos = model.config.eosTokenIds[0] ?? 0
      const trainable = () => model.parameters().map(([, t]) => t)
      const checkpoint = options.checkpoint ?? (() => Effect.void)
      let policyVersion = 0

      // A remote engine's servers sample from what was last published: the live model is
      // published before a stage's first rollout (full weights) and after every GRPO step.
      const policySync = yield* Effect.serviceOption(PolicySync)
      let published = -1
      const publish = (stage: string, initial: boolean) =>
        Option.isNone(policySync) || published === policyVersion
          ? Effect.void
          : device.use(policySync.value.push(model, policyVersion, { initial })).pipe(
            Effect.mapError(stageError(stage)),
            Effect.tap(() => Effect.sync(() => (published = policyVersion)))
          )

      const onDevice = <A>(stage: string, run: () => Promise<A>) =>
        device.use(Effect.tryPromise({ try: run, catch: stageError(stage) }))

      const generateOnDevice = (stage: string, requests: Parameters<typeof engine.generate>[0]) =>
        engine.generate(requests).pipe(Effect.mapError(stageError(stage)))

      return Stages.of({
        sft: Effect.fn("Stages.sft")(function*(stage, ctx) {
          const examples = ctx.data.sft.map((e) => sftIds(tokenizer, e.messages, stage.maxLength, eos))
          if (examples.length === 0) return yield* new StageError({ stage: "sft", message: "no SFT examples in the training split", cause: null })
          const perStep = stage.batchSize * stage.gradientAccumulation
          const stepsPerEpoch = Math.ceil(examples.length / perStep)
          const total = stepsPerEpoch * stage.epochs
          const lr = cosineWithWarmup({ base: stage.learningRate, totalSteps: total, warmupSteps: Math.ceil(stage.warmupRatio * total), minRatio: stage.minLrRatio })
          const optimizer = makeOptimizer(trainable(), { weightDecay: stage.weightDecay, maxGradNorm: stage.maxGradNorm })
          let order: Array<(typeof examples)[number]> = []
          const outcome = yield* runSteps({
            phase: "sft",
            start: 0,
            total,
            checkpointEvery: 0,
            show: ["loss"],
            checkpoint: (done, reason) => checkpoint("sft", done, reason),
            step: (index) =>
              Effect.gen(function*() {
                const epoch = Math.floor(index / stepsPerEpoch)
                if (index % stepsPerEpoch === 0) order = shuffled(examples, ctx.config.seed * 7919 + epoch)
                const at = (index % stepsPerEpoch) * perStep
                const batch = order.slice(at, at + perStep)
                const started = Date.now()
                const m = yield* onDevice("sft", () => sftStep(model, optimizer, batch, { lr: lr(index), maxTokens: MICRO_BATCH_TOKENS }))
                const seconds = (Date.now() - started) / 1000
                const trained = batch.reduce((n, e) => n + e.ids.length, 0)
                return { loss: m.loss, lr: m.lr, grad_norm: m.gradNorm, epoch, "tokens_per_s/train": trained / seconds, seconds }
              })
          }).pipe(Effect.provide(loopServices), Effect.ensuring(Effect.sync(() => optimizer.dispose())))
          policyVersion++
          return outcome
        }),

        grpo: Effect.fn("Stages.grpo")(function*(stage, ctx) {
          const { advantage, loss, kl, resampling } = ctx.plugins
          if (loss === undefined) return yield* new StageError({ stage: "grpo", message: "a GRPO stage needs a loss plugin", cause: null })
          const prompts: Array<RolloutPrompt<DrgGold>> = ctx.data.grpo.map((e) => ({
            exampleId: e.id,
            prompt: promptIds(tokenizer, e.messages),
            gold: { drg: e.drg, title: e.answer }
          }))
          if (prompts.length === 0) return yield* new StageError({ stage: "grpo", message: "no GRPO prompts in the training split", cause: null })
          const total = stage.steps
          const betas = Array.from({ length: total }, (_, s) => kl?.beta(s, total) ?? 0)
          // The reference: the weights GRPO starts from, frozen (full training); the base with adapters off (LoRA).
          let reference: ReferenceScorer | undefined
          let frozen: Qwen2Model | undefined
          if (betas.some((b) => b !== 0)) {
            if (policy.training === "lora") {
              reference = async (seqs, starts) => model.sequenceLogprobs(seqs, starts, { lora: false })
            } else {
              const host = yield* device.use(Effect.promise(() => model.hostWeights()))
              const copy = new Qwen2Model(model.config, host, { backend: model.backend, trainable: "none" })
              frozen = copy
              reference = async (seqs, starts) => copy.sequenceLogprobs(seqs, starts)
            }
          }
          const lr = constantWithWarmup({ base: stage.learningRate, warmupSteps: Math.ceil(stage.warmupRatio * total) })
          const optimizer = makeOptimizer(trainable(), { weightDecay: stage.weightDecay, maxGradNorm: stage.maxGradNorm })
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
          const preparing = ctx.plugins.curricula.filter((c) => c.prepare !== undefined)
          if (preparing.length > 0) {
            const samples = Math.max(2, ...preparing.map((c) => c.probe?.samples ?? stage.groupSize))
            const contexts = stepContexts(source, "probe", 0, 1)
            const probed = Array.from(yield* rolloutGroups(Stream.fromIterable(prompts), {
              ...rolloutBase,
              groupSize: samples,
              promptsPerCall: Math.max(stage.promptsPerStep, 16),
              policyVersion,
              seed: ctx.config.seed * 1_000_003 - 1,
              context: contexts.context,
              resampling: undefined
            }).pipe(Stream.runCollect, Effect.provide(services), Effect.mapError(stageError("grpo"))))
            const probe = new Map(probed.map((g) => [g.exampleId, { exampleId: g.exampleId, rewards: g.rewards }]))
            let ids: ReadonlyArray<string> = prompts.map((p) => p.exampleId)
            for (const c of preparing) ids = c.prepare!(ids, probe, bounds, contexts.context(c.name))
            const byId = new Map(prompts.map((p) => [p.exampleId, p]))
            pool = ids.flatMap((id) => byId.get(id) ?? [])
            yield* Effect.logInfo(`curriculum: probed ${prompts.length} prompts × ${samples} samples; ${preparing.map((c) => c.name).join(", ")} kept ${pool.length}`)
            if (pool.length === 0) return yield* new StageError({ stage: "grpo", message: `the curricula (${preparing.map((c) => c.name).join(", ")}) removed every GRPO prompt`, cause: null })
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
          yield* publish("grpo", true)
          const outcome = yield* runSteps({
            phase: "grpo",
            start: 0,
            total,
            checkpointEvery: stage.checkpointEvery,
            show: ["reward/total/mean", "kl"],
            checkpoint: (done, reason) => checkpoint("grpo", done, reason),
            step: (index) =>
              Effect.gen(function*() {
                const contexts = stepContexts(source, "grpo", index, total)
                const batch = take(stage.promptsPerStep, ctx.config.seed * 104729 + index)
                const started = Date.now()
                const groups = Array.from(yield* rolloutGroups(Stream.fromIterable(batch), {
                  groupSize: stage.groupSize,
                  temperature: stage.temperature,
                  topP: stage.topP,
                  topK: stage.topK,
                  maxNewTokens: stage.maxNewTokens,
                  promptsPerCall: stage.promptsPerStep,
                  scoringConcurrency: stage.scoringConcurrency,
                  policyVersion,
                  seed: ctx.config.seed * 1_000_003 + index,
                  context: contexts.context,
                  resampling
                }).pipe(Stream.runCollect, Effect.provide(services), Effect.mapError(stageError("grpo"))))
                const generated = (Date.now() - started) / 1000
                // Online curricula keep the groups whose difficulty suits them (each in turn).
                let trained = groups
                for (const c of selecting) {
                  const keep = new Set(c.selectBatch!(trained.map((g) => ({ exampleId: g.exampleId, rewards: g.rewards, attempt: g.attempts })), bounds, contexts.context(c.name)))
                  trained = trained.filter((g) => keep.has(g.exampleId))
                }
                const trainStarted = Date.now()
                const m = yield* onDevice("grpo", () =>
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
                    maxTokens: MICRO_BATCH_TOKENS
                  }))
                policyVersion++
                yield* publish("grpo", false)
                const trainSeconds = (Date.now() - trainStarted) / 1000
                const values: Record<string, number> = { ...m }
                const lengths = groups.flatMap((g) => g.completions.map((c) => c.ids.length))
                const totals = summary(groups.flatMap((g) => g.rewards))
                values["reward/total/mean"] = totals.mean
                values["reward/total/std"] = totals.std
                for (const plugin of ctx.plugins.rewards) {
                  const scores = groups.flatMap((g) => g.byPlugin.get(plugin.name) ?? []).filter((x): x is number => x !== null)
                  if (scores.length === 0) continue
                  const s = summary(scores)
                  values[`reward/${plugin.name}/mean`] = s.mean
                  values[`reward/${plugin.name}/std`] = s.std
                }
                const len = summary(lengths)
                values["completion_length/min"] = len.min
                values["completion_length/mean"] = len.mean
                values["completion_length/max"] = len.max
                values.resample_attempts = groups.reduce((n, g) => n + g.attempts - 1, 0)
                values["tokens_per_s/generate"] = lengths.reduce((a, b) => a + b, 0) / Math.max(1e-9, generated)
                values["tokens_per_s/train"] = m.train_tokens / Math.max(1e-9, trainSeconds)
                values.seconds = generated + trainSeconds
                if (selecting.length > 0) values.curriculum_kept_fraction = trained.length / Math.max(1, groups.length)
                for (const [k, v] of contexts.metrics) values[k] = v
                return values
              })
          }).pipe(Effect.provide(loopServices), Effect.ensuring(Effect.sync(() => {
            optimizer.dispose()
            frozen?.dispose()
          })))
          return outcome
        }),

        eval: Effect.fn("Stages.eval")(function*(stage, ctx, label) {
          yield* publish("eval", true)
          const cases = stage.limit > 0 ? ctx.data.test.slice(0, stage.limit) : ctx.data.test
          const { labelSpace } = ctx.plugins.grouper
          const systemPrompt = systemPromptOf(ctx.config, ctx.plugins)
          const task = yield* Effect.scoped(Effect.gen(function*() {
            const bar = yield* progress.task(`eval ${label}`, cases.length, "cases")
            const results: Array<GenerationResult> = []
            const chunk = 32
            for (let at = 0; at < cases.length; at += chunk) {
              const slice = cases.slice(at, at + chunk)
              const requests = slice.map((c, i) => ({
                prompt: promptIds(tokenizer, withSystemPrompt(rlExample(c).messages, systemPrompt)),
                params: { n: stage.samples, temperature: stage.temperature, topP: stage.topP, topK: stage.topK, maxNewTokens: stage.maxNewTokens, seed: ctx.config.seed * 31 + at + i }
              }))
              results.push(...(yield* generateOnDevice("eval", requests)))
              yield* bar.advance(slice.length)
            }
            return results
          }))
          const report = evaluateCases(cases.map((c, i) => ({
            exampleId: c.id,
            drg: c.drg,
            difficulty: c.difficulty,
            completions: task[i]!.completions.map((x) => x.text)
          })), labelSpace, stage.samples)
          // A few completions for the report, with what each reward plugin gave them.
          const shown = cases.slice(0, 6)
          const rollouts: Array<Rollout> = shown.map((c, i) => {
            const first = task[i]!.completions[0]
            return { exampleId: c.id, sampleIndex: 0, gold: { drg: c.drg, title: c.title }, text: first?.text ?? "", tokens: first?.ids.length ?? 0, finishReason: first?.finishReason ?? "stop", policyVersion }
          })
          const source = { labelSpace, grouper: ctx.plugins.grouper.grouper, seed: ctx.config.seed, countTokens: (t: string) => tokenizer.encode(t, { addSpecialTokens: false }).length, signal: stop.signal }
          const scored = yield* scorer.score(rollouts, stepContexts(source, `eval-${label}`, 0, 1).context).pipe(Effect.mapError(stageError("eval")))
          const samples: Array<SampleCompletion> = rollouts.map((r, i) => ({
            exampleId: r.exampleId,
            source: label,
            gold: r.gold.title,
            completion: r.text,
            rewards: Object.fromEntries([...scored.byPlugin].map(([name, scores]) => [name, scores[i] ?? null]))
          }))
          yield* Effect.logInfo(
            `eval ${label}: DRG Pass@1 ${(100 * report.drg.pass1).toFixed(1)}, Pass@${stage.samples} ${(100 * report.drg.pass8).toFixed(1)}, invalid ${(100 * report.invalid).toFixed(1)}%`
          )
          return {
            scores: { drg: report.drg, family: report.family, tier: report.tier, invalid: report.invalid },
            samples,
            confusion: report.confusion
          } satisfies EvalResult
        }),

        dpo: (_stage, _ctx) =>
          Effect.fail(new StageError({ stage: "dpo", message: "a stand-alone DPO stage is not implemented yet (the trainer has dpoLoss; the loop is not wired)", cause: null }))
      })
    })
  )
