/**
 * Staged learning inside a GRPO stage (the `staged-sft` / `staged-dpo` stage plugins): GRPO's
 * steps are split into the plugin's `phases` equal phases, and at the start of each phase but
 * the first the runtime runs the plugin's `between(phase)` action on the cases it selects:
 *
 * 1. probe: `probe.samples` completions (the GRPO sampling settings) for every training
 *    prompt of the GRPO split, scored by the run's reward plugins;
 * 2. select: the plugin's `selectCases` (default: every probe sample at the reward minimum);
 * 3. new reasoning: the current policy answers each selected prompt with the gold DRG named
 *    in it; an answer the reward plugins score at their maximum is kept, otherwise (or when
 *    the hinted prompt leaves no room in the context) the case's reference completion
 *    ("The note supports MS-DRG N." and the gold title) stands in;
 * 4. SFT (`epochs`, constant `learningRate`) on prompt → reasoning, or DPO (`epochs`, `beta`)
 *    with that reasoning chosen and the policy's own failed probe completion rejected,
 *    against the weights at the phase boundary (frozen; adapters off under LoRA).
 *
 * It runs inside the first GRPO step of the phase, before its rollouts: a checkpoint at the
 * boundary precedes it, so a resumed run redoes it from the same weights and seeds. It runs
 * to its end even when a stop is requested (the stop takes effect after that GRPO step), so a
 * checkpoint never holds half of it. Its metrics lines have the phases `staged-sft` /
 * `staged-dpo` (with `after_phase`), written before the GRPO step's line.
 *
 * @since 0.1.0
 */
import { completion } from "@sapphire-rl/data"
import type { ChatMessage } from "@sapphire-rl/model"
import type { DrgGold, ProbeResult, RewardBounds, StagePlugin } from "@sapphire-rl/spec"
import { makeOptimizer, sftStep } from "@sapphire-rl/trainer"
import { Effect, Layer, Schema, Stream } from "effect"
import { promptIds } from "./chatIds.ts"
import { runDpoSteps } from "./dpoSteps.ts"
import { frozenReference } from "./frozenReference.ts"
import { type PluginContextSource, stepContexts } from "./PluginContexts.ts"
import type { ScoredPair } from "./preferencePairs.ts"
import { type FinishedGroup, rolloutGroups, type RolloutPrompt } from "./Rollouts.ts"
import { DpoStage, type GrpoStage, SftStage } from "./RunConfig.ts"
import { runSteps } from "./runSteps.ts"
import { shuffled } from "./shuffled.ts"
import { MICRO_BATCH_TOKENS, stageError, type StageKit } from "./StageKit.ts"
import type { StageContext, StageError } from "./Stages.ts"
import type { DeviceLostDuringRun } from "./DeviceLoss.ts"
import { makeStopSignal, StopSignal } from "./StopSignal.ts"

/**
 * The steps at which each between-phase action runs: phase `i` (0-based) ends after step
 * `round(total·(i+1)/phases)`; the action after phase `i` runs at the start of that step.
 *
 * @since 0.1.0
 * @category staged
 */
export const phaseBoundaries = (total: number, phases: number): ReadonlyArray<number> =>
  Array.from({ length: Math.max(0, phases - 1) }, (_, i) => Math.round((total * (i + 1)) / phases)).filter((b) => b > 0 && b < total)

/** The hinted prompt: the case's messages with the gold answer named in the user turn. */
const hinted = (messages: ReadonlyArray<ChatMessage>, answer: string): ReadonlyArray<ChatMessage> => {
  const last = messages.findLastIndex((m) => m.role === "user")
  return messages.map((m, i) =>
    i === last ? { ...m, content: `${m.content}\nThe correct MS-DRG is ${answer}.` } : m
  )
}

/**
 * What the GRPO stage calls: `run(step)` at the start of every step runs the stage plugin's
 * action when the step starts a new phase; `startsPhase(step)` says whether it will (the
 * one-step-async rollouts do not prefetch across it). Without a stage plugin: nothing.
 *
 * @since 0.1.0
 * @category staged
 */
export const stagedLearning = (
  kit: StageKit,
  options: {
    readonly ctx: StageContext
    readonly stage: GrpoStage
    readonly prompts: ReadonlyArray<RolloutPrompt<DrgGold>>
    readonly source: PluginContextSource
    readonly bounds: RewardBounds
  }
): {
  readonly run: (step: number) => Effect.Effect<void, StageError | DeviceLostDuringRun>
  readonly startsPhase: (step: number) => boolean
} => {
  const plugin: StagePlugin | undefined = options.ctx.plugins.stage
  if (plugin === undefined) return { run: () => Effect.void, startsPhase: () => false }
  const { ctx, stage, prompts, source, bounds } = options
  const boundaries = phaseBoundaries(stage.steps, plugin.phases)
  const { tokenizer, model } = kit
  const eos = model.config.eosTokenIds[0] ?? 0
  const byId = new Map(ctx.data.grpo.map((e) => [e.id, e]))
  // The run's SFT / DPO settings where the plugin leaves them open.
  const sftSettings = ctx.config.stages.find((s): s is SftStage => s.kind === "sft") ?? Schema.decodeUnknownSync(SftStage)({ kind: "sft" })
  const dpoSettings = ctx.config.stages.find((s): s is DpoStage => s.kind === "dpo") ?? Schema.decodeUnknownSync(DpoStage)({ kind: "dpo" })
  // The inner phase runs to its end: its own loop never sees a stop.
  const innerLoop = Layer.merge(kit.loopServices, Layer.succeed(StopSignal, makeStopSignal()))
  const innerKit: StageKit = { ...kit, loopServices: innerLoop }
  const rollouts = (batch: ReadonlyArray<RolloutPrompt<DrgGold>>, groupSize: number, seed: number, phase: string) =>
    rolloutGroups(Stream.fromIterable(batch), {
      groupSize,
      temperature: stage.temperature,
      topP: stage.topP,
      topK: stage.topK,
      maxNewTokens: stage.maxNewTokens,
      promptsPerCall: Math.max(stage.promptsPerStep, 16),
      scoringConcurrency: stage.scoringConcurrency,
      policyVersion: kit.policyVersion.current,
      seed,
      context: stepContexts(source, phase, 0, 1).context,
      resampling: undefined
    }).pipe(Stream.runCollect, Effect.map((c) => Array.from(c)), Effect.provide(kit.services), Effect.mapError(stageError("grpo")))

  const run = (step: number) => {
    const phase = boundaries.indexOf(step)
    if (phase < 0) return Effect.void
    return Effect.gen(function*() {
      const action = plugin.between(phase, stepContexts(source, `staged-${phase}`, 0, 1).context(plugin.name))
      if (action.kind === "none") return
      const seed = ctx.config.seed * 1_000_003 + 500_009 * (phase + 1)
      const samples = plugin.probe?.samples ?? stage.groupSize
      const probed: Array<FinishedGroup<DrgGold>> = yield* rollouts(prompts, samples, seed, `staged-probe-${phase}`)
      const results: Array<ProbeResult> = probed.map((g) => ({ exampleId: g.exampleId, rewards: g.rewards }))
      const chosenIds = new Set(
        plugin.selectCases?.(results, bounds) ?? results.filter((r) => r.rewards.length > 0 && r.rewards.every((x) => x <= bounds.min)).map((r) => r.exampleId)
      )
      const selected = probed.filter((g) => chosenIds.has(g.exampleId))
      if (selected.length === 0) {
        yield* Effect.logInfo(`staged (${plugin.name}): after GRPO phase ${phase + 1}, no case selected of ${prompts.length} probed; nothing to train`)
        return
      }
      // New reasoning from the policy given the gold answer, kept when the rewards call it right.
      // A hinted prompt that would not fit the model's context with room to answer gets the reference.
      const room = model.config.maxPositionEmbeddings - stage.maxNewTokens
      const hints: Array<RolloutPrompt<DrgGold>> = selected.flatMap((g) => {
        const prompt = promptIds(tokenizer, hinted(byId.get(g.exampleId)!.messages, g.gold.title))
        return prompt.length <= room ? [{ exampleId: g.exampleId, prompt, gold: g.gold }] : []
      })
      const written = hints.length === 0 ? [] : yield* rollouts(hints, 1, seed + 1, `staged-reasoning-${phase}`)
      const writtenById = new Map(written.map((g) => [g.exampleId, g]))
      let selfWritten = 0
      const targets = selected.map((g) => {
        const own = writtenById.get(g.exampleId)
        if (own !== undefined && own.rewards[0]! >= bounds.max - 1e-9 && own.completions[0]!.ids.length > 0) {
          selfWritten++
          return { group: g, chosen: own.completions[0]!.ids }
        }
        const text = completion(`The note supports MS-DRG ${g.gold.drg}.`, g.gold.title)
        return { group: g, chosen: [...tokenizer.encode(text, { addSpecialTokens: false }), eos] }
      })
      yield* Effect.logInfo(
        `staged (${plugin.name}): after GRPO phase ${phase + 1}, ${selected.length} of ${prompts.length} cases selected; reasoning ${selfWritten} self-written, ${selected.length - selfWritten} reference; ${action.kind} ${action.epochs} epoch${action.epochs === 1 ? "" : "s"}`
      )
      const values = { after_phase: phase + 1, cases: selected.length, self_written: selfWritten }
      if (action.kind === "sft") {
        const examples = targets.map((t) => ({ ids: [...t.group.prompt, ...t.chosen], start: t.group.prompt.length }))
        const perStep = sftSettings.batchSize * sftSettings.gradientAccumulation
        const stepsPerEpoch = Math.ceil(examples.length / perStep)
        const lr = action.learningRate ?? sftSettings.learningRate
        const optimizer = makeOptimizer(kit.trainable(), { weightDecay: sftSettings.weightDecay, maxGradNorm: sftSettings.maxGradNorm })
        let order = examples
        yield* runSteps({
          phase: "staged-sft",
          start: 0,
          total: stepsPerEpoch * action.epochs,
          checkpointEvery: 0,
          checkpoint: () => Effect.void,
          step: (index) =>
            Effect.gen(function*() {
              const epoch = Math.floor(index / stepsPerEpoch)
              if (index % stepsPerEpoch === 0) order = shuffled(examples, seed + epoch)
              const at = (index % stepsPerEpoch) * perStep
              const m = yield* kit.onDevice("staged-sft", () => sftStep(model, optimizer, order.slice(at, at + perStep), { lr, maxTokens: MICRO_BATCH_TOKENS }))
              kit.policyVersion.current++
              return { ...values, loss: m.loss, lr: m.lr, grad_norm: m.gradNorm, epoch }
            })
        }).pipe(Effect.provide(innerLoop), Effect.ensuring(Effect.sync(() => optimizer.dispose())))
      } else {
        const pairs: Array<ScoredPair> = targets.map((t) => ({
          exampleId: t.group.exampleId,
          prompt: t.group.prompt,
          chosen: t.chosen,
          rejected: t.group.completions[0]!.ids,
          chosenReward: bounds.max,
          rejectedReward: t.group.rewards[0]!
        })).filter((p) => p.rejected.length > 0)
        const { reference, dispose } = yield* frozenReference(kit)
        yield* runDpoSteps(innerKit, {
          phase: "staged-dpo",
          pairs,
          reference,
          epochs: action.epochs,
          pairsPerStep: dpoSettings.batchSize * dpoSettings.gradientAccumulation,
          beta: action.beta,
          learningRate: action.learningRate ?? dpoSettings.learningRate,
          warmupRatio: 0,
          minLrRatio: 1,
          weightDecay: dpoSettings.weightDecay,
          maxGradNorm: dpoSettings.maxGradNorm,
          seed,
          checkpointEvery: 0,
          values
        }).pipe(Effect.ensuring(Effect.sync(dispose)))
      }
      yield* kit.publish("grpo", false)
    })
  }
  return { run, startsPhase: (step) => boundaries.includes(step) }
}
