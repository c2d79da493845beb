/**
 * Rollouts as a `Stream` of finished, scored groups: prompts are generated a few at a time
 * (each call holds the device), and each group is scored, and resampled if the resampling
 * plugin says so, as soon as it is generated, while the next prompts are being generated.
 * Rewards and resampling thus start before the whole batch exists, and a group discarded by
 * dynamic sampling is simply not emitted: the consumer takes as many groups as it needs
 * from a longer prompt stream.
 *
 * @since 0.1.0
 */
import { type Completion, Engine, type EngineError } from "@sapphire-rl/engine"
import type { DrgGold, PluginContext, ResamplingPlugin, Rollout } from "@sapphire-rl/spec"
import { Effect, Stream } from "effect"
import { type RewardError, RewardScorer } from "./RewardScorer.ts"

/**
 * One prompt to roll out.
 *
 * @since 0.1.0
 * @category models
 */
export interface RolloutPrompt<Gold = DrgGold> {
  readonly exampleId: string
  readonly prompt: ReadonlyArray<number>
  readonly gold: Gold
}

/**
 * A generated and scored group of G completions of one prompt.
 *
 * @since 0.1.0
 * @category models
 */
export interface FinishedGroup<Gold = DrgGold> {
  readonly exampleId: string
  readonly prompt: ReadonlyArray<number>
  readonly gold: Gold
  readonly completions: ReadonlyArray<Completion>
  readonly rollouts: ReadonlyArray<Rollout<Gold>>
  /** Total reward of each completion. */
  readonly rewards: ReadonlyArray<number>
  /** Each reward plugin's scores (null: did not apply). */
  readonly byPlugin: ReadonlyMap<string, ReadonlyArray<number | null>>
  /** Generations made of this group (1 = no resampling). */
  readonly attempts: number
  /** Position of the prompt in the input stream (plus `firstIndex`). */
  readonly index: number
  /** The resampling plugin discarded it (emitted only with `emitDiscarded`). */
  readonly discarded: boolean
}

/**
 * How to roll out.
 *
 * @since 0.1.0
 * @category models
 */
export interface RolloutOptions {
  /** Completions per prompt (G). */
  readonly groupSize: number
  readonly temperature: number
  readonly topP: number
  readonly topK: number
  readonly maxNewTokens: number
  readonly stop?: ReadonlyArray<string>
  /** Prompts per engine call: small enough that scoring starts early, large enough to batch. */
  readonly promptsPerCall: number
  /** Groups scored at once. */
  readonly scoringConcurrency: number
  /** The policy version sampling (0 = the starting weights). */
  readonly policyVersion: number
  /** Seed of this batch; each group's is derived from it, its index and its attempt. */
  readonly seed: number
  /** Each reward / resampling plugin's context for this step. */
  readonly context: (plugin: string) => PluginContext
  readonly resampling?: ResamplingPlugin | undefined
  /**
   * Index of the first prompt (default 0): a refill batch of the same step continues the
   * step's indices, so its groups get seeds of their own.
   */
  readonly firstIndex?: number
  /** Emit the groups the resampling plugin discards, marked `discarded` (default: drop them). */
  readonly emitDiscarded?: boolean
}

/** A seed per (batch seed, prompt index, attempt), kept in the 31-bit range samplers take. */
const groupSeed = (seed: number, index: number, attempt: number): number =>
  (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ Math.imul(attempt, 0xc2b2ae35)) >>> 1

const toRollouts = <Gold>(p: RolloutPrompt<Gold>, completions: ReadonlyArray<Completion>, policyVersion: number) =>
  completions.map((c, sampleIndex): Rollout<Gold> => ({
    exampleId: p.exampleId,
    sampleIndex,
    gold: p.gold,
    text: c.text,
    tokens: c.ids.length,
    finishReason: c.finishReason,
    policyVersion
  }))

/**
 * Generates, scores and resamples `prompts`, emitting each group when it is final, in
 * prompt order.
 *
 * @since 0.1.0
 * @category streams
 */
export const rolloutGroups = <Gold, E, R>(
  prompts: Stream.Stream<RolloutPrompt<Gold>, E, R>,
  options: RolloutOptions
): Stream.Stream<FinishedGroup<Gold>, E | EngineError | RewardError, R | Engine | RewardScorer> => {
  const params = (index: number, attempt: number, temperature: number) => ({
    n: options.groupSize,
    temperature,
    topP: options.topP,
    topK: options.topK,
    maxNewTokens: options.maxNewTokens,
    ...(options.stop === undefined ? {} : { stop: options.stop }),
    seed: groupSeed(options.seed, index, attempt)
  })

  const score = Effect.fnUntraced(function*(p: RolloutPrompt<Gold>, completions: ReadonlyArray<Completion>) {
    const scorer = yield* RewardScorer
    const rollouts = toRollouts(p, completions, options.policyVersion)
    // Reward plugins are written for DRG golds; the scorer passes whatever gold the prompt has.
    const scored = yield* scorer.score(rollouts as unknown as ReadonlyArray<Rollout>, options.context)
    return { rollouts, scored }
  })

  const finish = Effect.fnUntraced(function*(
    p: RolloutPrompt<Gold> & { readonly index: number },
    first: ReadonlyArray<Completion>
  ) {
    const engine = yield* Engine
    let completions = first
    let attempt = 1
    for (;;) {
      const { rollouts, scored } = yield* score(p, completions)
      const group: FinishedGroup<Gold> = {
        exampleId: p.exampleId,
        prompt: p.prompt,
        gold: p.gold,
        completions,
        rollouts,
        rewards: scored.totals,
        byPlugin: scored.byPlugin,
        attempts: attempt,
        index: p.index,
        discarded: false
      }
      const resampler = options.resampling
      if (resampler === undefined) return group
      // Asked at the limit too: a discarding plugin (maxAttempts 1) decides on the first
      // attempt, and a regenerating one records how its group ended. A retry past the limit
      // keeps the last attempt.
      const decision = resampler.decide(
        { exampleId: p.exampleId, rewards: scored.totals, attempt },
        options.context(resampler.name)
      )
      if (decision.action === "discard") return { ...group, discarded: true }
      if (decision.action === "accept" || attempt >= resampler.maxAttempts) return group
      attempt++
      const [again] = yield* engine.generate([
        { prompt: p.prompt, params: params(p.index, attempt, decision.temperature ?? options.temperature) }
      ])
      completions = again?.completions ?? []
    }
  })

  return prompts.pipe(
    Stream.zipWithIndex,
    Stream.map(([p, index]) => ({ ...p, index: index + (options.firstIndex ?? 0) })),
    Stream.grouped(options.promptsPerCall),
    Stream.mapEffect((chunk) =>
      Effect.gen(function*() {
        const engine = yield* Engine
        const results = yield* engine.generate(
          chunk.map((p) => ({ prompt: p.prompt, params: params(p.index, 1, options.temperature) }))
        )
        return chunk.map((p, i) => ({ p, completions: results[i]?.completions ?? [] }))
      })
    ),
    Stream.flattenIterable,
    Stream.mapEffect(({ p, completions }) => finish(p, completions), { concurrency: options.scoringConcurrency }),
    Stream.filter((g) => options.emitDiscarded === true || !g.discarded)
  )
}
