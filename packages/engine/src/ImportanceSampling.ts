/**
 * Off-policy correction for rollouts sampled elsewhere (another kernel, a stale policy):
 * truncated importance sampling. Per completion token, w = min(exp(trainer − sampler), cap)
 * with both log-probs of the sampled token; the trainer multiplies its per-token policy
 * loss by w (a constant, no gradient through it). Pure and allocation-light, so the
 * trainer can call it on every batch.
 *
 * @since 0.1.0
 */

/**
 * Weights and mismatch metrics of a batch.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportanceWeights {
  /** Per completion, per token. */
  readonly weights: Array<Float32Array>
  /** Mean over all tokens of |trainer − sampler| log-prob. */
  readonly meanAbsLogprobDelta: number
  /** Largest |trainer − sampler| log-prob. */
  readonly maxAbsLogprobDelta: number
  /** Fraction of tokens whose ratio exceeded the cap. */
  readonly fractionCapped: number
  readonly tokens: number
}

/**
 * Truncated importance weights min(exp(trainer − sampler), cap) (TIS; cap 2 as in the
 * "your efficient RL framework secretly brings you off-policy RL" note's default).
 * Throws when a completion's two log-prob arrays differ in length or the cap is not > 0.
 *
 * @since 0.1.0
 * @category correction
 */
export const truncatedImportanceWeights = (
  trainer: ReadonlyArray<ArrayLike<number>>,
  sampler: ReadonlyArray<ArrayLike<number>>,
  cap = 2
): ImportanceWeights => {
  if (!(cap > 0)) throw new RangeError(`importance weight cap must be > 0, got ${cap}`)
  if (trainer.length !== sampler.length) throw new RangeError(`${trainer.length} trainer completions but ${sampler.length} sampler completions`)
  let tokens = 0
  let sumAbs = 0
  let maxAbs = 0
  let capped = 0
  const weights = trainer.map((t, i) => {
    const s = sampler[i]!
    if (t.length !== s.length) throw new RangeError(`completion ${i}: ${t.length} trainer log-probs but ${s.length} sampler log-probs`)
    const w = new Float32Array(t.length)
    for (let k = 0; k < t.length; k++) {
      const delta = t[k]! - s[k]!
      if (!Number.isFinite(delta)) throw new RangeError(`completion ${i}, token ${k}: non-finite log-prob (trainer ${t[k]}, sampler ${s[k]})`)
      const abs = Math.abs(delta)
      sumAbs += abs
      if (abs > maxAbs) maxAbs = abs
      const ratio = Math.exp(delta)
      if (ratio > cap) {
        capped++
        w[k] = cap
      } else w[k] = ratio
    }
    tokens += t.length
    return w
  })
  return {
    weights,
    meanAbsLogprobDelta: tokens === 0 ? 0 : sumAbs / tokens,
    maxAbsLogprobDelta: maxAbs,
    fractionCapped: tokens === 0 ? 0 : capped / tokens,
    tokens
  }
}
