import { generate } from "@sapphire-rl/engine"
import { Qwen2Model, randomQwen2Weights, TINY_TEST_CONFIG, type Qwen2Config } from "@sapphire-rl/model"
import { dapoLoss, groupStdAdvantage } from "@sapphire-rl/plugin-loss"
import { makeCpuBackend, type Tensor } from "@sapphire-rl/tensor"
import { describe, expect, it } from "vitest"
import { grpoStep, makeOptimizer, NonFiniteError, sftStep, type ScoredGroup } from "../src/index.ts"

const backend = makeCpuBackend()

// A toy task: the prompt is [BOS, digit]; the answer is EVEN or ODD, then EOS.
const BOS = 13, EVEN = 10, ODD = 11, EOS = 12
const config: Qwen2Config = {
  ...TINY_TEST_CONFIG,
  vocabSize: 16,
  hiddenSize: 32,
  intermediateSize: 64,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  numKeyValueHeads: 1,
  headDim: 16,
  maxPositionEmbeddings: 16,
  eosTokenIds: [EOS]
}
const detokenizer = { decode: (ids: ReadonlyArray<number>) => ids.map((t) => (t === EVEN ? "even" : t === ODD ? "odd" : "")).join("") }
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
