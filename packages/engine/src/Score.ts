/**
 * The no-grad scoring pass: per-token log-probs of given completions after their prompts,
 * as a trainer needs for reference-model KL or to check sampler log-probs.
 *
 * @since 0.1.0
 */
import type { DecoderModel } from "./DecoderModel.ts"

/**
 * A prompt and a completion to score.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScoreRequest {
  readonly prompt: ReadonlyArray<number>
  readonly completion: ReadonlyArray<number>
}

/**
 * log p(completion[t] | prompt, completion[..t]) for every completion token, per request.
 *
 * @since 0.1.0
 * @category scoring
 */
export const scoreCompletions = async (
  model: DecoderModel,
  requests: ReadonlyArray<ScoreRequest>
): Promise<Array<Float32Array>> => {
  const scored = requests.filter((r) => r.completion.length > 0)
  const out = await model.sequenceLogprobs(
    scored.map((r) => [...r.prompt, ...r.completion]),
    scored.map((r) => r.prompt.length)
  )
  let next = 0
  return requests.map((r) => (r.completion.length > 0 ? out[next++]! : new Float32Array(0)))
}
