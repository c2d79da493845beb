/**
 * The server's routes as a function from (method, path, body text) to a response, with
 * no HTTP library in it (the Node listener lives in `node/`): completions with per-token
 * log-probs, model listing, health, LoRA load / unload (vLLM's names) and full-weight
 * updates from disk (SGLang's name).
 *
 * @since 0.0.0
 */
import type { Completion, Detokenizer, GenerationResult } from "@sapphire-rl/engine"
import { scoreCompletions } from "@sapphire-rl/engine"
import type { ApiError } from "./ApiError.ts"
import { badRequest, errorBody, internalError, notFound } from "./ApiError.ts"
import { ApiError as ApiErrorClass } from "./ApiError.ts"
import type { CompletionRequest, Encoder, ServerLimits } from "./CompletionRequest.ts"
import { decodeCompletionRequest } from "./CompletionRequest.ts"
import type { DeviceQueue } from "./DeviceQueue.ts"
import type { ModelStore } from "./ModelStore.ts"

/**
 * A response: JSON (`body` is serialised) or plain text.
 *
 * @since 0.0.0
 * @category models
 */
export interface HandlerResponse {
  readonly status: number
  readonly json?: unknown
  readonly text?: string
}

/**
 * What the routes need.
 *
 * @since 0.0.0
 * @category models
 */
export interface HandlerContext {
  readonly store: ModelStore
  readonly queue: DeviceQueue
  readonly tokenizer: Encoder & Detokenizer
  readonly limits: ServerLimits
  /** Seconds since the epoch; injectable for tests. */
  readonly now?: () => number
}

let nextId = 0
const requestId = () => `cmpl-${Date.now().toString(36)}${(nextId++).toString(36)}`

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw badRequest(`the body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
}

const stringField = (body: unknown, key: string): string => {
  const v = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined
  if (typeof v !== "string" || v.length === 0) throw badRequest(`${key}: expected a non-empty string`, key)
  return v
}

interface LogprobsBody {
  text_offset: Array<number>
  token_logprobs: Array<number | null>
  tokens: Array<string>
  top_logprobs: Array<Record<string, number> | null>
}

const logprobsBody = (
  ids: ReadonlyArray<number>,
  lps: ReadonlyArray<number | null>,
  asIds: boolean,
  tokenizer: Detokenizer
): LogprobsBody => {
  const tokens = ids.map((id) => (asIds ? `token_id:${id}` : tokenizer.decode([id])))
  const text_offset: Array<number> = []
  let offset = 0
  for (const t of tokens) {
    text_offset.push(offset)
    offset += asIds ? 0 : t.length
  }
  return {
    text_offset,
    token_logprobs: [...lps],
    tokens,
    top_logprobs: tokens.map((t, i) => (lps[i] === null ? null : { [t]: lps[i]! }))
  }
}

const choiceBody = (
  req: CompletionRequest,
  prompt: ReadonlyArray<number>,
  promptLps: ReadonlyArray<number | null> | undefined,
  c: Completion,
  index: number,
  tokenizer: Detokenizer
) => {
  const ids = req.echo ? [...prompt, ...c.ids] : c.ids
  const lps = req.echo ? [...promptLps!, ...c.logprobs] : c.logprobs
  const text = req.echo ? tokenizer.decode(prompt, { skipSpecialTokens: true }) + c.text : c.text
  return {
    index,
    text,
    logprobs: req.logprobs === undefined ? null : logprobsBody(ids, lps, req.returnTokensAsTokenIds, tokenizer),
    finish_reason: c.finishReason,
    // vLLM names the stop string / token here; the engine does not report which one matched.
    stop_reason: null
  }
}

const completions = async (ctx: HandlerContext, bodyText: string): Promise<HandlerResponse> => {
  const req = decodeCompletionRequest(parseJson(bodyText), ctx.tokenizer, ctx.limits)
  const modelName = req.model ?? ctx.store.baseName
  const served = ctx.store.get(modelName)
  if (served === undefined) throw notFound(`The model \`${modelName}\` does not exist.`, "model")
  let results: Array<GenerationResult>
  try {
    results = await ctx.queue.generate(modelName, req.prompts.map((prompt) => ({ prompt, params: req.params })))
  } catch (e) {
    throw internalError(`generation failed: ${e instanceof Error ? e.message : String(e)}`)
  }
  // echo: the prompt's own log-probs (none for its first token), scored on the same model.
  let promptLps: Array<Array<number | null>> | undefined
  if (req.echo) {
    const current = ctx.store.get(modelName)
    if (current === undefined) throw notFound(`The model \`${modelName}\` was unloaded during the request.`, "model")
    const scored = await ctx.queue.exclusive(() =>
      scoreCompletions(current.model, req.prompts.map((p) => ({ prompt: p.slice(0, 1), completion: p.slice(1) })))
    )
    promptLps = scored.map((s) => [null, ...Array.from(s)])
  }
  const n = req.params.n ?? 1
  const choices = results.flatMap((r, i) =>
    r.completions.map((c, j) => choiceBody(req, req.prompts[i]!, promptLps?.[i], c, i * n + j, ctx.tokenizer))
  )
  const promptTokens = req.prompts.reduce((s, p) => s + p.length, 0)
  const completionTokens = results.reduce((s, r) => s + r.completions.reduce((t, c) => t + c.ids.length, 0), 0)
  return {
    status: 200,
    json: {
      id: requestId(),
      object: "text_completion",
      created: Math.floor((ctx.now?.() ?? Date.now() / 1000)),
      model: modelName,
      choices,
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }
    }
  }
}

const models = (ctx: HandlerContext): HandlerResponse => ({
  status: 200,
  json: {
    object: "list",
    data: ctx.store.list().map((m) => ({
      id: m.id,
      object: "model",
      created: Math.floor(ctx.now?.() ?? Date.now() / 1000),
      owned_by: "sapphire-rl",
      root: m.id,
      parent: m.parent,
      max_model_len: ctx.limits.maxModelLen
    }))
  }
})

const loadLora = async (ctx: HandlerContext, bodyText: string): Promise<HandlerResponse> => {
  const body = parseJson(bodyText)
  const name = stringField(body, "lora_name")
  const path = stringField(body, "lora_path")
  if (ctx.store.get(name) !== undefined) {
    throw badRequest(`The lora adapter '${name}' has already been loaded.`, "lora_name")
  }
  try {
    await ctx.queue.exclusive(() => ctx.store.loadAdapter(name, path))
  } catch (e) {
    if (e instanceof ApiErrorClass) throw e
    throw badRequest(`loading the adapter ${name} from ${path} failed: ${e instanceof Error ? e.message : String(e)}`, "lora_path")
  }
  return { status: 200, text: `Success: LoRA adapter '${name}' added successfully.` }
}

const unloadLora = async (ctx: HandlerContext, bodyText: string): Promise<HandlerResponse> => {
  const name = stringField(parseJson(bodyText), "lora_name")
  if (name === ctx.store.baseName) throw badRequest("the base model cannot be unloaded", "lora_name")
  const removed = await ctx.queue.exclusive(async () => ctx.store.unloadAdapter(name))
  if (!removed) throw notFound(`The lora adapter '${name}' cannot be found.`, "lora_name")
  return { status: 200, text: `Success: LoRA adapter '${name}' removed successfully.` }
}

const updateWeights = async (ctx: HandlerContext, bodyText: string): Promise<HandlerResponse> => {
  const path = stringField(parseJson(bodyText), "model_path")
  try {
    await ctx.queue.exclusive(() => ctx.store.updateWeights(path))
  } catch (e) {
    return { status: 400, json: { success: false, message: `updating weights from ${path} failed: ${e instanceof Error ? e.message : String(e)}` } }
  }
  return { status: 200, json: { success: true, message: `Succeeded to update model weights from ${path}.` } }
}

/**
 * Handles one request; never throws (every failure becomes an error body).
 *
 * @since 0.0.0
 * @category handlers
 */
export const handleRequest = async (
  ctx: HandlerContext,
  method: string,
  path: string,
  bodyText: string
): Promise<HandlerResponse> => {
  try {
    const route = `${method} ${path.split("?")[0]}`
    switch (route) {
      case "POST /v1/completions":
        return await completions(ctx, bodyText)
      case "GET /v1/models":
        return models(ctx)
      case "GET /health":
        return { status: 200, text: "" }
      case "POST /v1/load_lora_adapter":
        return await loadLora(ctx, bodyText)
      case "POST /v1/unload_lora_adapter":
        return await unloadLora(ctx, bodyText)
      case "POST /update_weights_from_disk":
        return await updateWeights(ctx, bodyText)
      default:
        throw notFound(`no route ${route}`)
    }
  } catch (e) {
    const err: ApiError = e instanceof ApiErrorClass ? e : internalError(e instanceof Error ? e.message : String(e))
    return { status: err.status, json: errorBody(err) }
  }
}
