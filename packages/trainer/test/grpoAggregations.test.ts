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
