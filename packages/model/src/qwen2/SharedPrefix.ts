/**
 * Prefix sharing: the completions of one prompt scored with the prompt computed once.
 *
 * GRPO scores G completions of every prompt, and the prompt is most of each sequence. Per
 * group this runs every decoder layer's linears and MLP once over the rows
 * `[prompt (Tp); completion 1 (R); …; completion G (R)]` (completions right-padded to the
 * group's longest, R = longest − 1 input tokens: the last token is only a target), and
 * splits attention in two: the prompt attends causally to itself; the completions attend to
 * the prompt's keys and values, expanded to G rows, followed by their own, at positions
 * Tp … Tp + R − 1 (bottom-right-aligned causal mask, `qOffset = Tp`). Completion token 0 is
 * scored from the prompt's last position, shared by the G rows. The expand sums the G
 * completions' gradients into the shared prompt, so the result and its gradient are those of
 * the G full sequences, up to float rounding.
 *
 * @since 0.1.0
 */
import type { Tensor } from "@sapphire-rl/tensor"
import { add, attention, concat, expand, fromArray, logprobGather, matmul, mul, reshape, rmsnorm, rope, slice, transpose, zeros } from "@sapphire-rl/tensor"
import type { Qwen2Model } from "./Qwen2Model.ts"

/**
 * One prompt and completions sampled from it (token ids; completions may differ in length).
 *
 * @since 0.1.0
 * @category models
 */
export interface PromptGroup {
  readonly prompt: ReadonlyArray<number>
  readonly completions: ReadonlyArray<ReadonlyArray<number>>
}

/**
 * The longest completion of the groups: the columns of `sharedPrefixLogprobs`' result.
 *
 * @since 0.1.0
 * @category models
 */
export const longestCompletion = (groups: ReadonlyArray<PromptGroup>): number =>
  groups.reduce((n, g) => g.completions.reduce((m, c) => Math.max(m, c.length), n), 0)

const checkGroups = (model: Qwen2Model, groups: ReadonlyArray<PromptGroup>): void => {
  const vocab = model.config.vocabSize
  const checkIds = (ids: ReadonlyArray<number>, what: string) => {
    ids.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new RangeError(`groupTokenLogprobs: ${what}, token ${t}: id ${id} is not in [0, ${vocab})`)
      }
    })
  }
  if (groups.length === 0) throw new RangeError("groupTokenLogprobs: no groups")
  groups.forEach((g, gi) => {
    if (g.prompt.length === 0) throw new RangeError(`groupTokenLogprobs: group ${gi} has an empty prompt`)
    if (g.completions.length === 0) throw new RangeError(`groupTokenLogprobs: group ${gi} has no completions`)
    checkIds(g.prompt, `group ${gi} prompt`)
    g.completions.forEach((c, ci) => checkIds(c, `group ${gi} completion ${ci}`))
  })
}

/** Rows [batch·length, n·D] as heads [batch, n, length, D]. */
const heads = (rows: Tensor, batch: number, length: number, n: number, headDim: number): Tensor =>
  transpose(reshape(rows, [batch, length, n, headDim]), 1, 2)

/** Rows [from, from + count) of x [N, d] (a view). */
const rowsOf = (x: Tensor, from: number, count: number): Tensor => slice(x, [{ start: from, stop: from + count }])

/** Positions [batch, length] counting from `first` in every row, i32. */
const positionsFrom = (model: Qwen2Model, batch: number, length: number, first: number): Tensor => {
  const data = new Int32Array(batch * length)
  for (let b = 0; b < batch; b++) for (let t = 0; t < length; t++) data[b * length + t] = first + t
  return fromArray(data, [batch, length], { backend: model.backend, dtype: "i32" })
}

/**
 * One group: log-probs [G, Tc] (Tc its longest completion, ≥ 1), column k scoring
 * completion token k; 0 past a completion's end.
 */
const groupLogprobs = (model: Qwen2Model, group: PromptGroup, longest: number, temperature: number): Tensor => {
  const c = model.config
  const Tp = group.prompt.length
  const G = group.completions.length
  const R = longest - 1
  const N = Tp + G * R
  const ids = new Int32Array(N)
  ids.set(group.prompt)
  group.completions.forEach((comp, g) => {
    for (let t = 0; t < Math.min(R, comp.length); t++) ids[Tp + g * R + t] = comp[t]!
  })
  const promptPositions = positionsFrom(model, 1, Tp, 0)
  const completionPositions = R > 0 ? positionsFrom(model, G, R, Tp) : undefined
  let x = model.embed(fromArray(ids, [N], { backend: model.backend, dtype: "i32" }))
  for (let layer = 0; layer < c.numHiddenLayers; layer++) {
    const p = `model.layers.${layer}.`
    const h = rmsnorm(x, model.weight(`${p}input_layernorm.weight`), c.rmsNormEps)
    const { q, k, v } = model.qkvRows(h, layer)
    const part = (t: Tensor, n: number, prompt: boolean, positions?: Tensor) => {
      const hs = prompt ? heads(rowsOf(t, 0, Tp), 1, Tp, n, c.headDim) : heads(rowsOf(t, Tp, G * R), G, R, n, c.headDim)
      return positions === undefined ? hs : rope(hs, positions, c.ropeTheta)
    }
    const kp = part(k, c.numKeyValueHeads, true, promptPositions)
    const vp = part(v, c.numKeyValueHeads, true)
    const promptOut = attention(part(q, c.numAttentionHeads, true, promptPositions), kp, vp, { causal: true })
    let attn = model.attentionRows(promptOut, 1, Tp)
    if (completionPositions !== undefined) {
      // Each completion sees the shared prompt, then itself: keys [G, Hkv, Tp + R, D].
      const shared = (t: Tensor) => expand(t, [G, c.numKeyValueHeads, Tp, c.headDim])
      const keys = concat([shared(kp), part(k, c.numKeyValueHeads, false, completionPositions)], 2)
      const values = concat([shared(vp), part(v, c.numKeyValueHeads, false)], 2)
      const out = attention(part(q, c.numAttentionHeads, false, completionPositions), keys, values, { causal: true, qOffset: Tp })
      attn = concat([attn, model.attentionRows(out, G, R)], 0)
    }
    const y = add(x, model.linear(attn, layer, "o_proj", false))
    x = add(y, model.mlp(rmsnorm(y, model.weight(`${p}post_attention_layernorm.weight`), c.rmsNormEps), layer))
  }
  const hidden = model.finalNorm(x)
  // Position k of a completion is scored from the prompt's last row (k = 0) or its own row k − 1.
  const last = expand(reshape(rowsOf(hidden, Tp - 1, 1), [1, 1, c.hiddenSize]), [G, 1, c.hiddenSize])
  const scoring = R > 0 ? concat([last, reshape(rowsOf(hidden, Tp, G * R), [G, R, c.hiddenSize])], 1) : last
  const logits = matmul(reshape(scoring, [G * longest, c.hiddenSize]), transpose(model.lmHead))
  const targets = new Int32Array(G * longest).fill(-1)
  group.completions.forEach((comp, g) => comp.forEach((id, t) => (targets[g * longest + t] = id)))
  const scaled = temperature === 1 ? logits : mul(logits, 1 / temperature)
  return logprobGather(
    reshape(scaled, [G, longest, c.vocabSize]),
    fromArray(targets, [G, longest], { backend: model.backend, dtype: "i32" })
  )
}

/**
 * Log-probs of the completions of several prompt groups, f32 [ΣG, T] with T the longest
 * completion of all groups: row r is the groups' completions in order, column k
 * `log p(completion[k] | prompt, completion[..k])` under `softmax(logits / temperature)`;
 * 0 past a completion's end. Equal to `tokenLogprobs` of the full sequences at their
 * completion positions, with the prompt of each group computed once. Records autograd when
 * enabled; the groups are computed one after another and joined, so a caller bounds the
 * work with the number of tokens it passes. Throws a `RangeError` naming the group for an
 * empty prompt, a group without completions or an id outside the vocabulary, and when no
 * completion has a token.
 *
 * @since 0.1.0
 * @category models
 */
export const sharedPrefixLogprobs = (model: Qwen2Model, groups: ReadonlyArray<PromptGroup>, temperature = 1): Tensor => {
  checkGroups(model, groups)
  const T = longestCompletion(groups)
  if (T === 0) throw new RangeError("groupTokenLogprobs: no completion has a token")
  const rows = groups.map((g) => {
    const longest = g.completions.reduce((m, comp) => Math.max(m, comp.length), 0)
    if (longest === 0) return zeros([g.completions.length, T], { backend: model.backend })
    const lp = groupLogprobs(model, g, longest, temperature)
    return longest === T ? lp : concat([lp, zeros([g.completions.length, T - longest], { backend: model.backend })], 1)
  })
  return rows.length === 1 ? rows[0]! : concat(rows, 0)
}
