/**
 * Batched generation: every request's `n` rows share one prefill, all rows of all
 * requests decode together over one preallocated KV cache, tokens are sampled on the
 * host from counter-based uniforms keyed by (request seed, sample index, step), so a
 * request's completions are the same alone or in any batch.
 *
 * @since 0.1.0
 */
import type { DecoderModel } from "./DecoderModel.ts"
import { uniformAt, randomSeed } from "./Rng.ts"
import type { ResolvedSamplingParams, SamplingParams } from "./SamplingParams.ts"
import { resolveSamplingParams } from "./SamplingParams.ts"
import type { StopStringWatcher } from "./StopStrings.ts"
import { stopStringWatcher, truncateAtStop } from "./StopStrings.ts"
import { sampleToken } from "./TokenSampler.ts"

/**
 * One prompt (token ids) and how to sample from it.
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerationRequest {
  readonly prompt: ReadonlyArray<number>
  readonly params: SamplingParams
}

/**
 * Why a completion ended: `stop` (EOS, a stop token or a stop string) or `length`.
 *
 * @since 0.1.0
 * @category models
 */
export type FinishReason = "stop" | "length"

/**
 * One completion.
 *
 * @since 0.1.0
 * @category models
 */
export interface Completion {
  /** Generated ids, including the EOS / stop token that ended it. */
  readonly ids: ReadonlyArray<number>
  /** Decoded text without special tokens, cut before a stop string. */
  readonly text: string
  /** log p(ids[t]) under the model (raw logits, temperature 1), one per id. */
  readonly logprobs: ReadonlyArray<number>
  readonly finishReason: FinishReason
}

/**
 * The `n` completions of one request, and the seed that reproduces them.
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerationResult {
  readonly completions: ReadonlyArray<Completion>
  readonly seed: number
  /**
   * The policy version that sampled these completions, when the engine tracks one (the
   * remote engine does: it counts policy syncs); absent for a local engine.
   */
  readonly policyVersion?: number
}

/**
 * Text decoding for completions (a `TextTokenizer` fits).
 *
 * @since 0.1.0
 * @category models
 */
export interface Detokenizer {
  readonly decode: (ids: ReadonlyArray<number>, options?: { readonly skipSpecialTokens?: boolean }) => string
}

/**
 * Options of one `generate` call.
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateOptions {
  /** At most this many rows (requests × n) per KV-cache session; default: all. */
  readonly maxRows?: number
  /** EOS ids; default: the model's. */
  readonly eosTokenIds?: ReadonlyArray<number>
}

interface Row {
  readonly request: number
  readonly sample: number
  readonly params: ResolvedSamplingParams
  readonly stopIds: ReadonlySet<number>
  readonly watcher: StopStringWatcher
  readonly ids: Array<number>
  readonly logprobs: Array<number>
  done: boolean
  finishReason: FinishReason
}

/**
 * Generates completions for every request.
 *
 * @since 0.1.0
 * @category generation
 */
export const generate = async (
  model: DecoderModel,
  tokenizer: Detokenizer,
  requests: ReadonlyArray<GenerationRequest>,
  options: GenerateOptions = {}
): Promise<Array<GenerationResult>> => {
  // Checked up front: a bad request in a later session must not come after the work on earlier ones.
  requests.forEach((r, i) => {
    if (r.prompt.length === 0) throw new RangeError(`request ${i}: empty prompt`)
  })
  const resolved = requests.map((r) => resolveSamplingParams(r.params, randomSeed()))
  const maxRows = options.maxRows ?? Infinity
  const results: Array<GenerationResult> = new Array(requests.length)
  // Requests are packed into sessions of at most maxRows rows (a request is never split).
  let start = 0
  while (start < requests.length) {
    let end = start
    let rows = 0
    while (end < requests.length && (end === start || rows + resolved[end]!.n <= maxRows)) rows += resolved[end++]!.n
    const chunk = await generateChunk(model, tokenizer, requests.slice(start, end), resolved.slice(start, end), options)
    chunk.forEach((r, i) => (results[start + i] = r))
    start = end
  }
  return results
}

const generateChunk = async (
  model: DecoderModel,
  tokenizer: Detokenizer,
  requests: ReadonlyArray<GenerationRequest>,
  params: ReadonlyArray<ResolvedSamplingParams>,
  options: GenerateOptions
): Promise<Array<GenerationResult>> => {
  const eos = options.eosTokenIds ?? model.eosTokenIds
  const decodeText = (ids: ReadonlyArray<number>) => tokenizer.decode(ids, { skipSpecialTokens: true })
  const rows: Array<Row> = []
  const rowsOf: Array<Array<number>> = []
  params.forEach((p, request) => {
    const stopIds = new Set([...(p.ignoreEos ? [] : eos), ...p.stopTokenIds])
    const mine: Array<number> = []
    for (let sample = 0; sample < p.n; sample++) {
      mine.push(rows.length)
      rows.push({
        request,
        sample,
        params: p,
        stopIds,
        watcher: stopStringWatcher(p.stop, decodeText),
        ids: [],
        logprobs: [],
        done: p.maxNewTokens === 0,
        finishReason: "length"
      })
    }
    rowsOf.push(mine)
  })
  // Finished rows keep stepping, so every row may advance by the longest maxNewTokens.
  const capacity = Math.max(...requests.map((r) => r.prompt.length)) + Math.max(...params.map((p) => p.maxNewTokens), 1)
  const vocab = model.vocabSize

  const accept = (row: Row, logits: Float32Array, offset: number) => {
    const u = uniformAt(row.params.seed, row.sample, row.ids.length)
    const { token, logprob } = sampleToken(logits, offset, vocab, row.params, u)
    row.ids.push(token)
    row.logprobs.push(logprob)
    if (row.stopIds.has(token) || row.watcher.check(row.ids)) {
      row.done = true
      row.finishReason = "stop"
    } else if (row.ids.length >= row.params.maxNewTokens) {
      row.done = true
    }
  }

  const session = model.openSession(rows.length, capacity)
  try {
    const items = requests.map((r, i) => ({ prompt: r.prompt, rows: rowsOf[i]! }))
    let first: Array<Float32Array> = []
    if (session.prefillMany !== undefined) first = await session.prefillMany(items)
    else for (const it of items) first.push(await session.prefill(it.prompt, it.rows))
    first.forEach((logits, request) => {
      for (const r of rowsOf[request]!) if (!rows[r]!.done) accept(rows[r]!, logits, 0)
    })
    // live[s] = the row held by session row s.
    let live = rows.map((_, i) => i)
    while (rows.some((r) => !r.done)) {
      const active = live.filter((i) => !rows[i]!.done)
      // Once at least half the rows are finished, drop them from the cache rather than keep stepping them.
      if (session.retain !== undefined && active.length * 2 <= live.length && live.length - active.length >= 4) {
        session.retain(live.flatMap((i, s) => (rows[i]!.done ? [] : [s])))
        live = active
      }
      // Finished rows still held keep stepping on their last token; their logits are ignored.
      const tokens = live.map((i) => rows[i]!.ids.at(-1) ?? requests[rows[i]!.request]!.prompt.at(-1)!)
      const logits = await session.step(tokens)
      live.forEach((i, s) => {
        if (!rows[i]!.done) accept(rows[i]!, logits, s * vocab)
      })
    }
  } finally {
    session.dispose()
  }

  return params.map((p, request) => ({
    seed: p.seed,
    completions: rowsOf[request]!.map((r) => {
      const row = rows[r]!
      const cut = truncateAtStop(decodeText(row.ids), p.stop)
      return {
        ids: row.ids,
        text: cut.text,
        logprobs: row.logprobs,
        finishReason: cut.stopped ? "stop" : row.finishReason
      }
    })
  }))
}
