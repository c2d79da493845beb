/**
 * The OpenAI-compatible completions API as vLLM (and `sapphire-serve`) speak it: a
 * generation request as a request body, a response body back as a generation result.
 * Completion token ids come back through vLLM's `return_tokens_as_token_ids` (every
 * `logprobs.tokens` entry is `token_id:N`), so no tokenizer is needed on the client.
 *
 * @since 0.1.0
 */
import type { Completion, FinishReason, GenerationRequest, GenerationResult } from "../Generate.ts"

/**
 * The body of `POST /v1/completions` for one request (one prompt, `n` samples).
 *
 * @since 0.1.0
 * @category encoding
 */
export const completionsBody = (request: GenerationRequest, seed: number, model: string | undefined): Record<string, unknown> => {
  const p = request.params
  return {
    ...(model === undefined ? {} : { model }),
    prompt: [...request.prompt],
    max_tokens: p.maxNewTokens,
    n: p.n ?? 1,
    seed,
    logprobs: 0,
    return_tokens_as_token_ids: true,
    ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
    ...(p.topP === undefined ? {} : { top_p: p.topP }),
    ...(p.topK === undefined || p.topK === 0 ? {} : { top_k: p.topK }),
    ...(p.stop === undefined || p.stop.length === 0 ? {} : { stop: [...p.stop] }),
    ...(p.stopTokenIds === undefined || p.stopTokenIds.length === 0 ? {} : { stop_token_ids: [...p.stopTokenIds] }),
    ...(p.ignoreEos === true ? { ignore_eos: true } : {})
  }
}

/**
 * The body of a prompt-scoring request: the sequence echoed with its log-probs and nothing generated.
 *
 * @since 0.1.0
 * @category encoding
 */
export const scoreBody = (sequence: ReadonlyArray<number>, model: string | undefined): Record<string, unknown> => ({
  ...(model === undefined ? {} : { model }),
  prompt: [...sequence],
  max_tokens: 0,
  echo: true,
  logprobs: 0,
  return_tokens_as_token_ids: true
})

/**
 * A response body that is not what the API promises.
 *
 * @since 0.1.0
 * @category errors
 */
export class WireFormatError extends Error {
  override readonly name = "WireFormatError"
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)

const tokenId = (t: unknown, where: string): number => {
  const m = typeof t === "string" ? /^token_id:(\d+)$/.exec(t) : null
  if (m === null) throw new WireFormatError(`${where}: expected "token_id:N" (return_tokens_as_token_ids), got ${JSON.stringify(t)}`)
  return Number(m[1])
}

interface ParsedChoice {
  readonly index: number
  readonly text: string
  readonly ids: Array<number>
  readonly logprobs: Array<number | null>
  readonly finishReason: FinishReason
}

const parseChoices = (body: unknown, expected: number): Array<ParsedChoice> => {
  if (!isRecord(body) || !Array.isArray(body.choices)) throw new WireFormatError("response: expected an object with choices[]")
  if (body.choices.length !== expected) throw new WireFormatError(`response: expected ${expected} choices, got ${body.choices.length}`)
  const out = body.choices.map((c: unknown, i: number): ParsedChoice => {
    const where = `choices[${i}]`
    if (!isRecord(c) || typeof c.index !== "number" || typeof c.text !== "string") throw new WireFormatError(`${where}: expected index and text`)
    const lp = c.logprobs
    if (!isRecord(lp) || !Array.isArray(lp.tokens) || !Array.isArray(lp.token_logprobs) || lp.tokens.length !== lp.token_logprobs.length) {
      throw new WireFormatError(`${where}.logprobs: expected tokens[] and token_logprobs[] of equal length`)
    }
    const finish = c.finish_reason
    if (finish !== "stop" && finish !== "length") throw new WireFormatError(`${where}.finish_reason: expected "stop" or "length", got ${JSON.stringify(finish)}`)
    return {
      index: c.index,
      text: c.text,
      ids: lp.tokens.map((t: unknown, j: number) => tokenId(t, `${where}.logprobs.tokens[${j}]`)),
      logprobs: lp.token_logprobs.map((x: unknown, j: number) => {
        if (x !== null && typeof x !== "number") throw new WireFormatError(`${where}.logprobs.token_logprobs[${j}]: expected a number`)
        return x
      }),
      finishReason: finish
    }
  })
  return out.sort((a, b) => a.index - b.index)
}

/**
 * A completions response for one prompt as a generation result.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseCompletionsResponse = (body: unknown, n: number, seed: number): GenerationResult => ({
  seed,
  completions: parseChoices(body, n).map((c, i): Completion => {
    if (c.logprobs.some((x) => x === null)) throw new WireFormatError(`choices[${i}].logprobs.token_logprobs: null for a generated token`)
    return { ids: c.ids, text: c.text, logprobs: c.logprobs as Array<number>, finishReason: c.finishReason }
  })
})

/**
 * The log-probs of the last `count` tokens of an echoed sequence.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseScoreResponse = (body: unknown, sequenceLength: number, count: number): Float32Array => {
  const [c] = parseChoices(body, 1)
  if (c!.logprobs.length !== sequenceLength) throw new WireFormatError(`echo: expected ${sequenceLength} token log-probs, got ${c!.logprobs.length}`)
  const tail = c!.logprobs.slice(sequenceLength - count)
  if (tail.some((x) => x === null)) throw new WireFormatError("echo: a scored token has no log-prob")
  return Float32Array.from(tail as Array<number>)
}
