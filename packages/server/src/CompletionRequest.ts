/**
 * Decoding `POST /v1/completions` bodies (the OpenAI / vLLM field names) into engine
 * requests, with every limit checked before any work starts.
 *
 * @since 0.0.0
 */
import type { SamplingParams } from "@sapphire-rl/engine"
import { badRequest } from "./ApiError.ts"

/**
 * What the server allows.
 *
 * @since 0.0.0
 * @category models
 */
export interface ServerLimits {
  /** Prompt + completion tokens per sequence. */
  readonly maxModelLen: number
  /** Completions per prompt. */
  readonly maxN: number
  /** Prompts per request. */
  readonly maxPrompts: number
  readonly vocabSize: number
}

/**
 * A decoded completions request.
 *
 * @since 0.0.0
 * @category models
 */
export interface CompletionRequest {
  readonly model: string | undefined
  readonly prompts: ReadonlyArray<ReadonlyArray<number>>
  readonly params: SamplingParams
  /** `logprobs` asked for (0: the sampled token's only); undefined: none. */
  readonly logprobs: number | undefined
  /** vLLM's `return_tokens_as_token_ids`: `logprobs.tokens` as `token_id:N`. */
  readonly returnTokensAsTokenIds: boolean
  /** Prompt tokens (and their log-probs) are put before the completion. */
  readonly echo: boolean
}

/**
 * Text encoding of prompts given as strings.
 *
 * @since 0.0.0
 * @category models
 */
export interface Encoder {
  readonly encode: (text: string) => ReadonlyArray<number>
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)
const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x)

// Fields we accept; anything else is refused rather than silently ignored.
const KNOWN = new Set([
  "model", "prompt", "n", "temperature", "top_p", "top_k", "max_tokens", "stop", "stop_token_ids", "seed",
  "logprobs", "echo", "ignore_eos", "return_tokens_as_token_ids", "stream", "user"
])

const optionalNumber = (body: Record<string, unknown>, key: string, check: (x: number) => boolean, expected: string): number | undefined => {
  const v = body[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== "number" || !Number.isFinite(v) || !check(v)) throw badRequest(`${key}: expected ${expected}, got ${JSON.stringify(v)}`, key)
  return v
}

const decodePrompts = (prompt: unknown, encoder: Encoder, limits: ServerLimits): Array<Array<number>> => {
  const ids = (p: unknown, where: string): Array<number> => {
    if (typeof p === "string") {
      const out = [...encoder.encode(p)]
      if (out.length === 0) throw badRequest(`${where}: the prompt encodes to no tokens`, "prompt")
      return out
    }
    if (Array.isArray(p) && p.length > 0 && p.every(isInt)) {
      const bad = p.find((id) => id < 0 || id >= limits.vocabSize)
      if (bad !== undefined) throw badRequest(`${where}: token id ${bad} outside the vocabulary (0..${limits.vocabSize - 1})`, "prompt")
      return [...p]
    }
    throw badRequest(`${where}: expected a non-empty string or a non-empty array of token ids`, "prompt")
  }
  if (typeof prompt === "string") return [ids(prompt, "prompt")]
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every(isInt)) return [ids(prompt, "prompt")]
  if (Array.isArray(prompt) && prompt.length > 0) return prompt.map((p, i) => ids(p, `prompt[${i}]`))
  throw badRequest("prompt: expected a string, an array of token ids, or a non-empty list of either", "prompt")
}

/**
 * Decodes and checks a request body; throws an `ApiError` (400) naming the bad field.
 *
 * @since 0.0.0
 * @category decoding
 */
export const decodeCompletionRequest = (body: unknown, encoder: Encoder, limits: ServerLimits): CompletionRequest => {
  if (!isRecord(body)) throw badRequest("the body must be a JSON object")
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) throw badRequest(`unsupported field ${key}`, key)
  if (body.stream === true) throw badRequest("stream: streaming is not supported", "stream")
  if (body.model !== undefined && typeof body.model !== "string") throw badRequest("model: expected a string", "model")
  const prompts = decodePrompts(body.prompt, encoder, limits)
  if (prompts.length > limits.maxPrompts) throw badRequest(`prompt: ${prompts.length} prompts, at most ${limits.maxPrompts} per request`, "prompt")
  const n = optionalNumber(body, "n", (x) => Number.isInteger(x) && x >= 1, "an integer ≥ 1") ?? 1
  if (n > limits.maxN) throw badRequest(`n: ${n} is more than this server's limit of ${limits.maxN}`, "n")
  const maxTokens = optionalNumber(body, "max_tokens", (x) => Number.isInteger(x) && x >= 0, "an integer ≥ 0") ?? 16
  const longest = Math.max(...prompts.map((p) => p.length))
  if (longest + maxTokens > limits.maxModelLen) {
    throw badRequest(
      `max_tokens: the prompt (${longest} tokens) plus max_tokens (${maxTokens}) exceeds the maximum context length of ${limits.maxModelLen}`,
      "max_tokens"
    )
  }
  const temperature = optionalNumber(body, "temperature", (x) => x >= 0, "a number ≥ 0")
  const topP = optionalNumber(body, "top_p", (x) => x > 0 && x <= 1, "a number in (0, 1]")
  // vLLM uses -1 (and 0) for "no top-k".
  const topK = optionalNumber(body, "top_k", (x) => Number.isInteger(x) && x >= -1, "an integer ≥ -1")
  const seed = optionalNumber(body, "seed", Number.isInteger, "an integer")
  const logprobs = optionalNumber(body, "logprobs", (x) => Number.isInteger(x) && x >= 0, "an integer ≥ 0")
  if (logprobs !== undefined && logprobs > 0) {
    throw badRequest("logprobs: only 0 is supported (the sampled token's log-prob; no top alternatives)", "logprobs")
  }
  const stop = body.stop
  let stops: Array<string> | undefined
  if (stop === undefined || stop === null) stops = undefined
  else if (typeof stop === "string") stops = [stop]
  else if (Array.isArray(stop) && stop.every((s) => typeof s === "string")) stops = [...stop]
  else throw badRequest("stop: expected a string or an array of strings", "stop")
  if (stops?.some((s) => s.length === 0)) throw badRequest("stop: empty stop strings are not allowed", "stop")
  const stopTokenIds = body.stop_token_ids
  if (stopTokenIds !== undefined && stopTokenIds !== null && !(Array.isArray(stopTokenIds) && stopTokenIds.every((x) => isInt(x) && x >= 0))) {
    throw badRequest("stop_token_ids: expected an array of token ids", "stop_token_ids")
  }
  for (const key of ["echo", "ignore_eos", "return_tokens_as_token_ids"] as const) {
    if (body[key] !== undefined && body[key] !== null && typeof body[key] !== "boolean") throw badRequest(`${key}: expected a boolean`, key)
  }
  const params: SamplingParams = {
    maxNewTokens: maxTokens,
    n,
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(topK === undefined || topK < 0 ? {} : { topK }),
    ...(seed === undefined ? {} : { seed }),
    ...(stops === undefined ? {} : { stop: stops }),
    ...(Array.isArray(stopTokenIds) ? { stopTokenIds: stopTokenIds as Array<number> } : {}),
    ...(body.ignore_eos === true ? { ignoreEos: true } : {})
  }
  return {
    model: body.model as string | undefined,
    prompts,
    params,
    logprobs,
    returnTokensAsTokenIds: body.return_tokens_as_token_ids === true,
    echo: body.echo === true
  }
}
