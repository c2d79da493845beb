import { Qwen2Model, randomQwen2Weights, TINY_TEST_CONFIG } from "@sapphire-rl/model"
import { dapoLoss, groupStdAdvantage } from "@sapphire-rl/plugin-loss"
import { makeCpuBackend } from "@sapphire-rl/tensor"
import { describe, expect, it } from "vitest"
import { grpoStep, makeOptimizer, type GrpoStepOptions, type ScoredGroup } from "../src/index.ts"

const backend = makeCpuBackend()
const config = TINY_TEST_CONFIG

let seed = 5
const next = () => (seed = (seed * 48271) % 2147483647)
const tokens = (n: number) => Array.from({ length: n }, () => next() % config.vocabSize)

// Two prompts, G = 3, ragged completions, rewards with spread; sampler log-probs at temperature 1 (made up).
const GROUPS: ReadonlyArray<ScoredGroup> = [[10, [4, 2, 5]], [6, [3, 3, 1]]].map(([p, lengths], gi) => ({
  prompt: tokens(p as number),
  completions: (lengths as Array<number>).map((n) => ({ ids: tokens(n), logprobs: new Array<number>(n).fill(-4), finishReason: "stop" as const })),
  rewards: (lengths as Array<number>).map((_, ci) => (ci + gi) % 2)
}))

const run = async (options: Partial<GrpoStepOptions>, prefixSharing: boolean) => {
  const model = new Qwen2Model(config, randomQwen2Weights(config, 4, 0.3), { backend, trainable: "base" })
  const frozen = new Qwen2Model(config, randomQwen2Weights(config, 4, 0.3), { backend, trainable: "base" })
  const optimizer = makeOptimizer(model.parameters().map(([, t]) => t), { maxGradNorm: 1 })
  const asked: Array<number | undefined> = []
  // −log p of every completion token under softmax(logits / T) before the step, scored apart from grpoStep.
  const T = options.temperature ?? 1
  const before = await model.sequenceLogprobs(
    GROUPS.flatMap((g) => g.completions.map((c) => [...g.prompt, ...c.ids])),
    GROUPS.flatMap((g) => g.completions.map(() => g.prompt.length)),
    { temperature: T }
  )
  const metrics = await grpoStep(model, optimizer, GROUPS, {
    advantage: groupStdAdvantage(),
    loss: dapoLoss(),
    beta: 0.04,
    estimator: "k3",
    lr: 1e-3,
    iterations: 1,
    clip: { low: 0.2, high: 0.28 },
    maxCompletionLength: 5,
    maskTruncated: false,
    maxTokens: 4096,
    reference: async (seqs, starts, o) => {
      asked.push(o?.temperature)
      return frozen.sequenceLogprobs(seqs, starts, o)
    },
    ...options,
    prefixSharing
  })
  const first = (await model.parameters()[0]![1].toArray()) as Float32Array
  optimizer.dispose()
  model.dispose()
  frozen.dispose()
  const all = before.flatMap((lp) => Array.from(lp))
  return { metrics, asked, first, entropy: -all.reduce((a, b) => a + b, 0) / all.length }
}

describe("grpoStep scoring at the sampling temperature", () => {
  for (const prefixSharing of [true, false]) {
    it(`scores the policy and the reference under softmax(logits / T) (${prefixSharing ? "prefix-shared" : "full sequences"})`, async () => {
      const cold = await run({ temperature: 0.6 }, prefixSharing)
      const plain = await run({}, prefixSharing)
      // The entropy metric is the mean −log p of the trained tokens before the update, at the
      // scoring temperature: f32 sums in another order, relative 1e-5.
      expect(Math.abs(cold.metrics.entropy - cold.entropy)).toBeLessThanOrEqual(1e-5 * cold.entropy)
      expect(Math.abs(plain.metrics.entropy - plain.entropy)).toBeLessThanOrEqual(1e-5 * plain.entropy)
      // The tokens are random, not the model's picks: dividing the logits by 0.6 sharpens the
      // distribution away from them, so their mean −log p rises.
      expect(cold.entropy).toBeGreaterThan(plain.entropy + 1e-3)
      expect(cold.asked).toEqual([0.6])
      expect(plain.asked).toEqual([undefined])
      // Another objective, so another update.
      expect(cold.first.some((x, i) => Math.abs(x - plain.first[i]!) > 1e-7)).toBe(true)
      // Engines report log-probs at temperature 1: no sampler comparison is made at 0.6.
      expect(cold.metrics.sampler_logprob_delta).toBe(0)
      expect(plain.metrics.sampler_logprob_delta).toBeGreaterThan(0)
    }, 60_000)
  }

  it("refuses importanceCap with a temperature other than 1, and a temperature ≤ 0", async () => {
    await expect(run({ temperature: 0.6, importanceCap: 2 }, true)).rejects.toThrow(/importanceCap compares with the sampler's log-probs/)
    await expect(run({ temperature: 0 }, true)).rejects.toThrow(/temperature must be > 0/)
  })
})
