/**
 * What a generation request asks for, decoded with `Schema` so a bad field in a run
 * config is reported with its path.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

const NonNegInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * Sampling parameters (vLLM's names, camelCased).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SamplingParams = Schema.Struct({
  /** 0 samples greedily (argmax, first index on ties). Default 1. */
  temperature: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Nucleus sampling: keep the smallest set of most likely tokens whose mass reaches topP. Default 1. */
  topP: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThan(0), Schema.isLessThanOrEqualTo(1))),
  /** Keep only the k most likely tokens; 0 disables. Default 0. */
  topK: Schema.optionalKey(NonNegInt),
  maxNewTokens: NonNegInt,
  /** Strings that end a completion; the text is cut before the first one found. */
  stop: Schema.optionalKey(Schema.Array(Schema.String.check(Schema.isMinLength(1)))),
  /** Token ids that end a completion, besides the model's EOS ids. */
  stopTokenIds: Schema.optionalKey(Schema.Array(NonNegInt)),
  /** Keep generating through EOS (benchmarks). */
  ignoreEos: Schema.optionalKey(Schema.Boolean),
  /** Completions per prompt; they share one prefill. Default 1. */
  n: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0))),
  /** Makes the request's samples reproducible; random when absent. */
  seed: Schema.optionalKey(Schema.Int)
})

/** @since 0.1.0 @category models */
export type SamplingParams = typeof SamplingParams.Type

/**
 * Parameters with every default filled in.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedSamplingParams {
  readonly temperature: number
  readonly topP: number
  readonly topK: number
  readonly maxNewTokens: number
  readonly stop: ReadonlyArray<string>
  readonly stopTokenIds: ReadonlyArray<number>
  readonly ignoreEos: boolean
  readonly n: number
  readonly seed: number
}

/**
 * Fills defaults; `seed` is the seed to use when the request has none.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveSamplingParams = (p: SamplingParams, seed: number): ResolvedSamplingParams => ({
  temperature: p.temperature ?? 1,
  topP: p.topP ?? 1,
  topK: p.topK ?? 0,
  maxNewTokens: p.maxNewTokens,
  stop: p.stop ?? [],
  stopTokenIds: p.stopTokenIds ?? [],
  ignoreEos: p.ignoreEos ?? false,
  n: p.n ?? 1,
  seed: p.seed ?? seed
})
