/**
 * `backwardOver` with prefix sharing: sequences that share a prompt (`ids[..start]`, as
 * GRPO's completions of one prompt do) are scored as a group by the model's
 * `groupTokenLogprobs`, the prompt computed once; the objectives see the same per-token
 * log-probs and batch arrays as before, laid out in completion coordinates.
 *
 * @since 0.1.0
 */
import type { Tensor } from "@sapphire-rl/tensor"
import { backwardBatch, type BackwardResult, type LogprobModel } from "./Backward.ts"
import { packSequences, type PackedBatch, type TrainSequence } from "./TrainSequence.ts"

/** One pass: groups of sequence indices, each group one prompt. */
type Pass = ReadonlyArray<ReadonlyArray<number>>

/**
 * Sequence indices grouped by prompt (first appearance order), then split into passes of
 * at most `maxTokens` padded tokens, a group costing `prompt + G · (longest completion − 1)`
 * (what `groupTokenLogprobs` computes). A group over the budget alone is split into
 * sub-groups that fit (each still sharing its prompt); one completion always goes.
 * Sequences without completion tokens carry no loss and are left out.
 *
 * @since 0.1.0
 * @category constructors
 */
export const groupPasses = (sequences: ReadonlyArray<TrainSequence>, maxTokens: number): Array<Pass> => {
  const byPrompt = new Map<string, Array<number>>()
  sequences.forEach((s, i) => {
    if (!(s.start >= 1 && s.start <= s.ids.length)) throw new RangeError(`groupPasses: sequence ${i}: start ${s.start} for ${s.ids.length} tokens`)
    if (s.start === s.ids.length) return
    const key = s.ids.slice(0, s.start).join(",")
    const members = byPrompt.get(key)
    if (members === undefined) byPrompt.set(key, [i])
    else members.push(i)
  })
  const completion = (i: number) => sequences[i]!.ids.length - sequences[i]!.start
  const cost = (group: ReadonlyArray<number>) =>
    sequences[group[0]!]!.start + group.length * (Math.max(...group.map(completion)) - 1)
  const passes: Array<Array<Array<number>>> = []
  let current: Array<Array<number>> = []
  let used = 0
  const add = (group: Array<number>) => {
    const c = cost(group)
    if (current.length > 0 && used + c > maxTokens) {
      passes.push(current)
      current = []
      used = 0
    }
    current.push(group)
    used += c
  }
  for (const group of byPrompt.values()) {
    if (cost(group) <= maxTokens) {
      add(group)
      continue
    }
    // Longest first, so each sub-group pads little; as many as fit with the prompt.
    const sorted = [...group].sort((a, b) => completion(b) - completion(a))
    let sub: Array<number> = []
    for (const i of sorted) {
      if (sub.length > 0 && cost([...sub, i]) > maxTokens) {
        add(sub)
        sub = []
      }
      sub.push(i)
    }
    if (sub.length > 0) add(sub)
  }
  if (current.length > 0) passes.push(current)
  return passes
}

/**
 * Accumulates the gradient of `Σ objective(pass)` into the model's parameters, scoring
 * each pass's prompt groups with `model.groupTokenLogprobs`. The objective receives the
 * log-probs [rows, T] (row per sequence of the pass, column k its completion token k) with
 * the `PackedBatch` of those sequences in the same layout (`packSequences` of
 * `ids[start − 1 ..]` with start 1) and the sequences themselves: the sums it forms are
 * those of `backwardOver`, whose extra positions carry weight 0. Throws like `backwardOver`
 * (`NonFiniteError` before a non-finite loss's backward).
 *
 * @since 0.1.0
 * @category training
 */
export const backwardOverGroups = async (
  model: Required<Pick<LogprobModel, "groupTokenLogprobs">>,
  sequences: ReadonlyArray<TrainSequence>,
  maxTokens: number,
  objective: (lp: Tensor, batch: PackedBatch, sequences: ReadonlyArray<TrainSequence>) => Tensor,
  step = 0
): Promise<BackwardResult> => {
  const logprobs: Array<Float32Array> = sequences.map(() => new Float32Array(0))
  let total = 0
  for (const pass of groupPasses(sequences, maxTokens)) {
    const order = pass.flat()
    const members = order.map((i) => sequences[i]!)
    // From the prompt's last token on: position k of a row then scores completion token k.
    const batch = packSequences(members.map((s) => ({ ...s, ids: s.ids.slice(s.start - 1), start: 1 })))
    const groups = pass.map((group) => {
      const first = sequences[group[0]!]!
      return { prompt: first.ids.slice(0, first.start), completions: group.map((i) => sequences[i]!.ids.slice(sequences[i]!.start)) }
    })
    const { loss, values } = await backwardBatch(batch, members, objective, step, () => model.groupTokenLogprobs(groups))
    total += loss
    order.forEach((index, row) => {
      const s = sequences[index]!
      logprobs[index] = values.slice(row * batch.length, row * batch.length + s.ids.length - s.start)
    })
  }
  return { loss: total, logprobs }
}
