/**
 * Token sequences as the objectives see them, and their packing into right-padded
 * `[B, T]` batches.
 *
 * @since 0.1.0
 */

/**
 * One prompt + completion. `start` is the index in `ids` of the first completion token;
 * only completion tokens carry loss. Per-token arrays are indexed from the first
 * completion token (length `ids.length − start`).
 *
 * @since 0.1.0
 * @category models
 */
export interface TrainSequence {
  readonly ids: ReadonlyArray<number>
  readonly start: number
  /** The sequence's weight in the aggregated loss (w_i of the loss plugin). */
  readonly weight: number
  /** GRPO advantage of the whole completion. */
  readonly advantage?: number
  /** Log-probs of the completion tokens under the sampling policy (μ > 1 ratios). */
  readonly oldLogprobs?: ReadonlyArray<number>
  /**
   * Log-probs of the completion tokens as the sampling engine reported them (another
   * kernel, a stale policy): the denominators of the truncated importance weights.
   */
  readonly samplerLogprobs?: ReadonlyArray<number>
  /** Log-probs of the completion tokens under the reference (KL). */
  readonly refLogprobs?: ReadonlyArray<number>
  /** 0 masks a token out (truncated completions); 1 when absent. */
  readonly mask?: ReadonlyArray<number>
}

/**
 * A packed batch: inputs `ids[0 … L−2]`, targets `ids[1 … L−1]` (−1 where no loss, which
 * `logprobGather` turns into 0 with no gradient), and per-position arrays aligned with the
 * targets.
 *
 * @since 0.1.0
 * @category models
 */
export interface PackedBatch {
  readonly rows: number
  readonly length: number
  readonly inputs: Int32Array
  readonly targets: Int32Array
  /** Sequence weight × mask at loss positions, 0 elsewhere. */
  readonly weights: Float32Array
  readonly advantages: Float32Array
  readonly oldLogprobs: Float32Array
  readonly refLogprobs: Float32Array
  readonly samplerLogprobs: Float32Array
  /** 1 at loss positions. */
  readonly lossMask: Float32Array
  readonly hasOld: boolean
  readonly hasRef: boolean
  /** Every sequence has `samplerLogprobs`. */
  readonly hasSampler: boolean
}

/**
 * Packs sequences into one right-padded batch.
 *
 * @since 0.1.0
 * @category constructors
 */
export const packSequences = (sequences: ReadonlyArray<TrainSequence>): PackedBatch => {
  if (sequences.length === 0) throw new RangeError("packSequences: no sequences")
  const length = Math.max(...sequences.map((s) => s.ids.length)) - 1
  if (length < 1) throw new RangeError("packSequences: sequences need at least two tokens")
  const n = sequences.length * length
  const inputs = new Int32Array(n)
  const targets = new Int32Array(n).fill(-1)
  const weights = new Float32Array(n)
  const advantages = new Float32Array(n)
  const oldLogprobs = new Float32Array(n)
  const refLogprobs = new Float32Array(n)
  const samplerLogprobs = new Float32Array(n)
  const lossMask = new Float32Array(n)
  sequences.forEach((s, b) => {
    if (!(s.start >= 1 && s.start <= s.ids.length)) throw new RangeError(`packSequences: sequence ${b}: start ${s.start} for ${s.ids.length} tokens`)
    const completion = s.ids.length - s.start
    for (const [name, arr] of [["oldLogprobs", s.oldLogprobs], ["refLogprobs", s.refLogprobs], ["samplerLogprobs", s.samplerLogprobs], ["mask", s.mask]] as const) {
      if (arr !== undefined && arr.length !== completion) {
        throw new RangeError(`packSequences: sequence ${b}: ${name} has ${arr.length} values for ${completion} completion tokens`)
      }
    }
    for (let t = 0; t < s.ids.length - 1; t++) {
      const at = b * length + t
      inputs[at] = s.ids[t]!
      const k = t + 1 - s.start // completion token index predicted at position t
      if (k < 0) continue
      const m = s.mask?.[k] ?? 1
      targets[at] = s.ids[t + 1]!
      lossMask[at] = m
      weights[at] = s.weight * m
      advantages[at] = s.advantage ?? 0
      oldLogprobs[at] = s.oldLogprobs?.[k] ?? 0
      refLogprobs[at] = s.refLogprobs?.[k] ?? 0
      samplerLogprobs[at] = s.samplerLogprobs?.[k] ?? 0
    }
  })
  return {
    rows: sequences.length,
    length,
    inputs,
    targets,
    weights,
    advantages,
    oldLogprobs,
    refLogprobs,
    samplerLogprobs,
    lossMask,
    hasOld: sequences.every((s) => s.oldLogprobs !== undefined),
    hasRef: sequences.every((s) => s.refLogprobs !== undefined),
    hasSampler: sequences.every((s) => s.samplerLogprobs !== undefined)
  }
}

/**
 * Splits sequences into micro-batches of at most `maxTokens` padded tokens (rows × longest),
 * sorted by length so padding stays small; the original indices come along.
 *
 * @since 0.1.0
 * @category constructors
 */
export const bucketByLength = <S extends { readonly ids: ReadonlyArray<number> }>(
  sequences: ReadonlyArray<S>,
  maxTokens: number
): Array<Array<{ readonly index: number; readonly sequence: S }>> => {
  const order = sequences.map((sequence, index) => ({ index, sequence })).sort((a, b) => a.sequence.ids.length - b.sequence.ids.length)
  const buckets: Array<Array<{ index: number; sequence: S }>> = []
  let current: Array<{ index: number; sequence: S }> = []
  for (const item of order) {
    const longest = Math.max(item.sequence.ids.length, ...current.map((c) => c.sequence.ids.length))
    if (current.length > 0 && (current.length + 1) * longest > maxTokens) {
      buckets.push(current)
      current = []
    }
    current.push(item)
  }
  if (current.length > 0) buckets.push(current)
  return buckets
}
