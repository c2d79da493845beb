import { generate } from "@sapphire-rl/engine"
import { Qwen2Model, randomQwen2Weights } from "@sapphire-rl/model"
import { dapoLoss, groupStdAdvantage } from "@sapphire-rl/plugin-loss"
import { makeCpuBackend, type Tensor } from "@sapphire-rl/tensor"
import { describe, expect, it } from "vitest"
import { grpoStep, makeOptimizer, NonFiniteError, sftStep, type ScoredGroup } from "../src/index.ts"
import { BOS, EOS, EVEN, ODD, toyConfig as config, toyDetokenizer as detokenizer } from "./support/toyTask.ts"

const backend = makeCpuBackend()

const newModel = (seed: number) => new Qwen2Model(config, randomQwen2Weights(config, seed, 0.2), { backend, trainable: "base" })
const params = (model: Qwen2Model): Array<Tensor> => model.parameters().map(([, t]) => t)

describe("sftStep", () => {
  it("lowers the completion loss of what it trains on, and reports the per-token mean", async () => {
    const model = newModel(1)
    const optimizer = makeOptimizer(params(model), { maxGradNorm: 1 })
    const examples = Array.from({ length: 10 }, (_, d) => ({ ids: [BOS, d, d % 2 === 0 ? EVEN : ODD, EOS], start: 2 }))
    const first = await sftStep(model, optimizer, examples, { lr: 3e-2, maxTokens: 16 })
    expect(first.tokens).toBe(20)
    // Untrained, near-uniform over 16 tokens: the mean NLL is close to log 16.
    expect(Math.abs(first.loss - Math.log(16))).toBeLessThan(0.6)
    let last = first
    for (let i = 0; i < 30; i++) last = await sftStep(model, optimizer, examples, { lr: 3e-2, maxTokens: 16 })
    expect(last.loss).toBeLessThan(0.2 * first.loss)
    optimizer.dispose()
    model.dispose()
  })
})

describe("the non-finite guard", () => {
  it("refuses a step whose gradient is NaN, leaving the weights as they were", async () => {
    const model = newModel(2)
    const ps = params(model)
    const optimizer = makeOptimizer(ps)
    const before = await Promise.all(ps.map(async (p) => Array.from((await p.toArray()) as Float32Array)))
    const poisoned = { backend, tokenLogprobs: (ids: Tensor, targets: Tensor) => model.tokenLogprobs(ids, targets).mul(Number.NaN) }
    const error = await sftStep(poisoned as never, optimizer, [{ ids: [BOS, 3, ODD, EOS], start: 2 }], { lr: 1e-2, maxTokens: 16 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NonFiniteError)
    expect((error as NonFiniteError).what).toBe("loss")
    const after = await Promise.all(ps.map(async (p) => Array.from((await p.toArray()) as Float32Array)))
    expect(after).toEqual(before)
    expect(ps.every((p) => p.grad === null || p.grad === undefined)).toBe(true)
    optimizer.dispose()
    model.dispose()
  })
})

describe("grpoStep's sampler mismatch metrics", () => {
  it("are ~0 for the model's own sampling log-probs and measure a shifted sampler", async () => {
    const sampled = async (model: Qwen2Model) => {
      const results = await generate(model, detokenizer, [3, 4].map((d, i) => ({ prompt: [BOS, d], params: { n: 4, maxNewTokens: 2, seed: 7 + i } })))
      return results.map((r, i): ScoredGroup => ({
        prompt: [BOS, [3, 4][i]!],
        completions: r.completions.map((c) => ({ ids: c.ids, logprobs: Array.from(c.logprobs), finishReason: c.finishReason })),
        // Distinct rewards, so no sequence is left out for a zero advantage.
        rewards: r.completions.map((_, j) => j)
      }))
    }
    const step = async (groups: ReadonlyArray<ScoredGroup>) => {
      const model = newModel(5)
      const optimizer = makeOptimizer(params(model))
      const m = await grpoStep(model, optimizer, groups, {
        advantage: groupStdAdvantage(), loss: dapoLoss(), beta: 0, estimator: "k3", lr: 1e-3, iterations: 1,
        clip: { low: 0.2, high: 0.2 }, maxCompletionLength: 2, maskTruncated: false, maxTokens: 1024
      })
      optimizer.dispose()
      model.dispose()
      return m
    }
    const sampler = newModel(5)
    const groups = await sampled(sampler)
    sampler.dispose()
    const own = await step(groups)
    // Same weights, same kernels (KV-cache decode vs a training forward): float32 rounding, 1e-5.
    expect(own.sampler_logprob_delta).toBeLessThan(1e-5)
    expect(own.is_ratio_capped_fraction).toBe(0)
    // A sampler that gave every token 1 nat less: |Δ| = 1 and every ratio is e > 2.
    const shifted = await step(groups.map((g) => ({ ...g, completions: g.completions.map((c) => ({ ...c, logprobs: c.logprobs.map((x) => x - 1) })) })))
    expect(Math.abs(shifted.sampler_logprob_delta - 1)).toBeLessThan(1e-5)
    expect(shifted.is_ratio_capped_fraction).toBe(1)
  })
})
