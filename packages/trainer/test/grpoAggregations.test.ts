import { bnpoLoss, dapoLoss, drGrpoLoss, grpoLoss } from "@sapphire-rl/plugin-loss"
import { type AdvantagePlugin, definePlugin, type LossPlugin } from "@sapphire-rl/spec"
import { expand, fromArray, logprobGather, makeCpuBackend, reshape, type Tensor } from "@sapphire-rl/tensor"
import { describe, expect, it } from "vitest"
import { grpoStep, type LogprobModel, makeOptimizer, type Optimizer, type ScoredGroup } from "../src/index.ts"

// The whole grpoStep (advantage plugin → the real loss plugins' weights → objective →
// backward) on a unigram "model" whose log-probs are θ_v − logsumexp(θ), so the value and
// the gradient in θ can be written down exactly (f64 on the host below).
const backend = makeCpuBackend()
const V = 6
const theta0 = [0.3, -0.2, 0.5, 0.1, -0.4, 0.0]
const unigram = (theta: Tensor): LogprobModel => ({
  backend,
  tokenLogprobs: (ids, targets) => {
    const [B, T] = ids.shape as [number, number]
    return logprobGather(expand(reshape(theta, [1, 1, V]), [B, T, V]), targets)
  }
})
const A = [1, -0.5, 2]
const fixedAdvantage: AdvantagePlugin = definePlugin({
  name: "fixed", version: "0.0.0", kind: "advantage", specRange: "^2.0.0", advantages: (groups) => groups.map(() => A)
})
const completions = [[1, 2], [3], [4, 5, 0]]
const groups: Array<ScoredGroup> = [{
  prompt: [2],
  completions: completions.map((ids) => ({ ids, logprobs: ids.map(() => -1), finishReason: "stop" as const })),
  rewards: [0, 0, 0]
}]
const L_MAX = 4

const handComputed = (weights: ReadonlyArray<number>) => {
  const lse = Math.log(theta0.reduce((s, t) => s + Math.exp(t), 0))
  const softmax = theta0.map((t) => Math.exp(t - lse))
  let value = 0
  const grad = new Array<number>(V).fill(0)
  completions.forEach((ids, i) => {
    for (const tok of ids) {
      // μ = 1: ℓ = −A (ratio 1), dℓ/dlogp = −A; dlogp_tok/dθ = e_tok − softmax.
      value += weights[i]! * -A[i]!
      for (let v = 0; v < V; v++) grad[v]! += weights[i]! * -A[i]! * ((v === tok ? 1 : 0) - softmax[v]!)
    }
  })
  return { value, grad }
}

const N = 3, lens = [2, 1, 3], total = 6
const cases: ReadonlyArray<[string, LossPlugin, ReadonlyArray<number>]> = [
  ["grpo: 1/(N·len_i)", grpoLoss(), lens.map((l) => 1 / (N * l))],
  ["bnpo: 1/(tokens of the micro-batch)", bnpoLoss(), lens.map(() => 1 / total)],
  ["dapo: 1/(tokens of the batch)", dapoLoss(), lens.map(() => 1 / total)],
  ["dr-grpo: 1/(N·L_max)", drGrpoLoss(), lens.map(() => 1 / (N * L_MAX))]
]

describe("grpoStep aggregation through the loss plugins (μ = 1, β = 0)", () => {
  for (const [name, loss, weights] of cases) {
    it(`${name}: value and gradient in θ by hand (abs 1e-6)`, async () => {
      const theta = fromArray(Float32Array.from(theta0), [V], { backend, requiresGrad: true }).keep()
      const inner = makeOptimizer([theta])
      let grad: Float32Array | undefined
      const optimizer: Optimizer = {
        ...inner,
        step: async (lr) => {
          grad = (await theta.grad!.toArray()) as Float32Array
          return inner.step(lr)
        }
      }
      const m = await grpoStep(unigram(theta), optimizer, groups, {
        advantage: fixedAdvantage, loss, beta: 0, estimator: "k3", lr: 0, iterations: 1,
        clip: { low: 0.2, high: 0.2 }, maxCompletionLength: L_MAX, maskTruncated: false, maxTokens: 1024
      })
      const want = handComputed(weights)
      expect(Math.abs(m.loss - want.value)).toBeLessThan(1e-6)
      Array.from(grad!).forEach((g, v) => expect(Math.abs(g - want.grad[v]!)).toBeLessThan(1e-6))
      inner.dispose()
      theta.dispose()
    })
  }
})

describe("grpoStep's reference pass", () => {
  it("asks the scorer for the sequences longest first and maps the scores back to their sequences", async () => {
    const theta = fromArray(Float32Array.from(theta0), [V], { backend, requiresGrad: true }).keep()
    const optimizer = makeOptimizer([theta])
    const lse = Math.log(theta0.reduce((s, t) => s + Math.exp(t), 0))
    const seen: Array<number> = []
    // The reference is the policy itself, so the KL is 0 exactly when every score lands on its sequence.
    const m = await grpoStep(unigram(theta), optimizer, groups, {
      advantage: fixedAdvantage, loss: grpoLoss(), beta: 0.1, estimator: "k3", lr: 0, iterations: 1,
      clip: { low: 0.2, high: 0.2 }, maxCompletionLength: L_MAX, maskTruncated: false, maxTokens: 1024,
      reference: async (seqs, starts) => {
        seen.push(...seqs.map((s) => s.length))
        return seqs.map((s, i) => Float32Array.from(s.slice(starts[i]!), (tok) => theta0[tok]! - lse))
      }
    })
    expect(seen).toEqual([4, 3, 2])
    expect(Math.abs(m.kl)).toBeLessThan(1e-6)
    optimizer.dispose()
    theta.dispose()
  })
})

describe("grpoStep with truncated importance sampling (importanceCap)", () => {
  const lse = Math.log(theta0.reduce((s, t) => s + Math.exp(t), 0))
  // The sampler's log-probs of the fixture's six tokens: exp(trainer − sampler) is below 1 for
  // some tokens and above the cap 2 for others (trainer log-probs are ≈ −1.4 … −2.3).
  const samplerLp = [[-1, -3], [-2.5], [-1, -4, -1.9]]
  const withSampler = (lp: ReadonlyArray<ReadonlyArray<number>>): Array<ScoredGroup> => [{
    ...groups[0]!,
    completions: completions.map((ids, i) => ({ ids, logprobs: lp[i]!, finishReason: "stop" as const }))
  }]
  const run = async (scored: ReadonlyArray<ScoredGroup>, options: { importanceCap?: number; iterations?: number }) => {
    const theta = fromArray(Float32Array.from(theta0), [V], { backend, requiresGrad: true }).keep()
    const inner = makeOptimizer([theta])
    const grads: Array<Float32Array> = []
    const optimizer: Optimizer = {
      ...inner,
      step: async (lr) => {
        grads.push((await theta.grad!.toArray()) as Float32Array)
        return inner.step(lr)
      }
    }
    const m = await grpoStep(unigram(theta), optimizer, scored, {
      advantage: fixedAdvantage, loss: grpoLoss(), beta: 0, estimator: "k3", lr: 0, iterations: options.iterations ?? 1,
      clip: { low: 0.2, high: 0.2 }, maxCompletionLength: L_MAX, maskTruncated: false, maxTokens: 1024,
      ...(options.importanceCap === undefined ? {} : { importanceCap: options.importanceCap })
    })
    inner.dispose()
    theta.dispose()
    return { m, grads }
  }

  it("weights each token's policy gradient by min(exp(trainer − sampler), 2): value, gradient and metrics by hand (abs 1e-6)", async () => {
    const { m, grads } = await run(withSampler(samplerLp), { importanceCap: 2 })
    const softmax = theta0.map((t) => Math.exp(t - lse))
    const weights = lens.map((l) => 1 / (N * l)) // grpo-loss: 1/(N·len_i)
    let value = 0, deltas = 0, capped = 0
    const grad = new Array<number>(V).fill(0)
    completions.forEach((ids, i) => ids.forEach((tok, k) => {
      const delta = theta0[tok]! - lse - samplerLp[i]![k]!
      const w = Math.min(Math.exp(delta), 2)
      deltas += Math.abs(delta)
      if (Math.exp(delta) > 2) capped++
      value += weights[i]! * -A[i]! * w
      for (let v = 0; v < V; v++) grad[v]! += weights[i]! * -A[i]! * w * ((v === tok ? 1 : 0) - softmax[v]!)
    }))
    expect(capped).toBe(3) // the case exercises the cap: tokens 2 (−3), 3 (−2.5), 5 (−4)
    expect(Math.abs(m.loss - value)).toBeLessThan(1e-6)
    Array.from(grads[0]!).forEach((g, v) => expect(Math.abs(g - grad[v]!)).toBeLessThan(1e-6))
    expect(Math.abs(m.sampler_logprob_delta - deltas / 6)).toBeLessThan(1e-6)
    expect(m.is_ratio_capped_fraction).toBe(3 / 6)
  })

  it("with the sampler's log-probs equal to the trainer's, loss, gradient and metrics equal the uncorrected step bit for bit", async () => {
    // The trainer's own f32 log-probs of the completion tokens, as the unigram computes them.
    const theta = fromArray(Float32Array.from(theta0), [V], { backend })
    const lp = (await unigram(theta).tokenLogprobs(fromArray(new Int32Array(V), [1, V], { backend, dtype: "i32" }), fromArray(Int32Array.from({ length: V }, (_, v) => v), [1, V], { backend, dtype: "i32" })).toArray()) as Float32Array
    const same = withSampler(completions.map((ids) => ids.map((tok) => lp[tok]!)))
    const plain = await run(same, {})
    const corrected = await run(same, { importanceCap: 2 })
    expect(corrected.m.sampler_logprob_delta).toBe(0)
    expect(corrected.m).toEqual(plain.m)
    expect(Array.from(corrected.grads[0]!)).toEqual(Array.from(plain.grads[0]!))
  })

  it("μ = 2: the second pass takes the ratio against the trainer's own log-probs, not the sampler's", async () => {
    // lr 0: the weights do not move, so the second pass's ratio is exactly 1 and its gradient
    // is the first pass's; against the sampler's log-probs (no correction) the ratio would be clipped.
    const corrected = await run(withSampler(samplerLp), { importanceCap: 2, iterations: 2 })
    expect(corrected.grads).toHaveLength(2)
    expect(Array.from(corrected.grads[1]!)).toEqual(Array.from(corrected.grads[0]!))
    expect(corrected.m.clip_fraction).toBe(0)
    const uncorrected = await run(withSampler(samplerLp), { iterations: 2 })
    // Ratios exp(trainer − sampler) ≈ 0.34, 5.0 (A 1), 2.0 (A −0.5), 0.28, 8.3, 1.37 (A 2): three
    // tokens past 1 + 0.2 with A > 0, none below 0.8 with A < 0, in both passes.
    expect(uncorrected.m.clip_fraction).toBe(3 / 6)
  })

  it("rejects a cap that is not > 0 and log-probs that do not match the tokens", async () => {
    await expect(run(withSampler(samplerLp), { importanceCap: 0 })).rejects.toThrow(/importanceCap must be > 0/)
    await expect(run(withSampler([[-1], [-2.5], [-1, -4, -1.9]]), { importanceCap: 2 })).rejects.toThrow(/group 0, completion 0: 1 log-probs for 2 tokens/)
  })
})
