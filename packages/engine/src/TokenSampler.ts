/**
 * Picks the next token from one row of logits on the host: greedy, or temperature with
 * top-k and top-p, driven by a given uniform number so that sampling is reproducible.
 *
 * The returned log-prob is the model's own (log-softmax of the raw logits, temperature
 * 1), the quantity a GRPO trainer compares against its scoring pass, whatever the
 * sampling distribution was.
 *
 * @since 0.1.0
 */

/**
 * The sampling knobs this function reads.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenSamplingOptions {
  readonly temperature: number
  readonly topP: number
  readonly topK: number
}

/**
 * A chosen token and its log-prob under the model.
 *
 * @since 0.1.0
 * @category models
 */
export interface SampledToken {
  readonly token: number
  readonly logprob: number
}

/**
 * log-sum-exp of `logits[offset .. offset + size)`, in float64.
 *
 * @since 0.1.0
 * @category utils
 */
export const logSumExp = (logits: ArrayLike<number>, offset: number, size: number): number =>
  logSumExpFrom(logits, offset, size, rowMax(logits, offset, size))

const rowMax = (logits: ArrayLike<number>, offset: number, size: number): number => {
  let max = -Infinity
  for (let i = 0; i < size; i++) max = Math.max(max, logits[offset + i]!)
  return max
}

// Given the row's max, so that sampling scans a (vocabulary-long) row for it once.
const logSumExpFrom = (logits: ArrayLike<number>, offset: number, size: number, max: number): number => {
  if (max === -Infinity) return -Infinity
  let sum = 0
  for (let i = 0; i < size; i++) sum += Math.exp(logits[offset + i]! - max)
  return max + Math.log(sum)
}

/**
 * Samples one token from `logits[offset .. offset + vocab)` with the uniform `u` in [0, 1).
 *
 * @since 0.1.0
 * @category sampling
 */
export const sampleToken = (
  logits: ArrayLike<number>,
  offset: number,
  vocab: number,
  options: TokenSamplingOptions,
  u: number
): SampledToken => {
  const max = rowMax(logits, offset, vocab)
  const lse = logSumExpFrom(logits, offset, vocab, max)
  const logprobOf = (token: number) => logits[offset + token]! - lse
  if (options.temperature === 0 || options.topK === 1) {
    let best = 0
    for (let i = 1; i < vocab; i++) if (logits[offset + i]! > logits[offset + best]!) best = i
    return { token: best, logprob: logprobOf(best) }
  }
  const invT = 1 / options.temperature
  const weights = new Float64Array(vocab)
  for (let i = 0; i < vocab; i++) weights[i] = Math.exp((logits[offset + i]! - max) * invT)

  const truncate = (options.topK > 0 && options.topK < vocab) || options.topP < 1
  if (!truncate) {
    let total = 0
    for (let i = 0; i < vocab; i++) total += weights[i]!
    const target = u * total
    let acc = 0
    for (let i = 0; i < vocab; i++) {
      acc += weights[i]!
      if (acc > target && weights[i]! > 0) return { token: i, logprob: logprobOf(i) }
    }
    const last = lastPositive(weights)
    return { token: last, logprob: logprobOf(last) }
  }

  // Most likely first; ties by index so the order (and the sample) is deterministic.
  const order = Array.from({ length: vocab }, (_, i) => i)
  order.sort((a, b) => weights[b]! - weights[a]! || a - b)
  let keep = options.topK > 0 ? Math.min(options.topK, vocab) : vocab
  if (options.topP < 1) {
    let total = 0
    for (let r = 0; r < keep; r++) total += weights[order[r]!]!
    let acc = 0
    for (let r = 0; r < keep; r++) {
      acc += weights[order[r]!]!
      // The nucleus is the smallest prefix whose mass reaches topP (at least one token).
      if (acc >= options.topP * total) {
        keep = r + 1
        break
      }
    }
  }
  let total = 0
  for (let r = 0; r < keep; r++) total += weights[order[r]!]!
  const target = u * total
  let acc = 0
  for (let r = 0; r < keep; r++) {
    acc += weights[order[r]!]!
    if (acc > target) return { token: order[r]!, logprob: logprobOf(order[r]!) }
  }
  return { token: order[keep - 1]!, logprob: logprobOf(order[keep - 1]!) }
}

const lastPositive = (w: Float64Array): number => {
  for (let i = w.length - 1; i >= 0; i--) if (w[i]! > 0) return i
  return 0
}
