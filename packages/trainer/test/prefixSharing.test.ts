import { initLoraModules, Qwen2Model, randomQwen2Weights, seededNormal, TINY_TEST_CONFIG, type LoraConfig } from "@sapphire-rl/model"
import { dapoLoss, groupStdAdvantage } from "@sapphire-rl/plugin-loss"
import { makeCpuBackend } from "@sapphire-rl/tensor"
import { describe, expect, it, vi } from "vitest"
import { groupPasses, grpoStep, makeOptimizer, type GrpoStepOptions, type ScoredGroup, type TrainSequence } from "../src/index.ts"

const backend = makeCpuBackend()
const config = TINY_TEST_CONFIG
const lora: LoraConfig = { rank: 4, alpha: 8, targets: ["q_proj", "v_proj", "o_proj", "down_proj"], useRslora: false, layers: null, dropout: 0 }

const newModel = (training: "lora" | "base") => {
  const normal = seededNormal(21)
  const modules = initLoraModules(config, lora, seededNormal(22)).map((m) => ({ ...m, b: { ...m.b, data: m.b.data.map(() => 0.05 * normal()) } }))
  return new Qwen2Model(config, randomQwen2Weights(config, 9, 0.1), {
    backend,
    trainable: training,
    ...(training === "lora" ? { lora: { config: lora, modules } } : {})
  })
}

let seed = 17
const next = () => (seed = (seed * 48271) % 2147483647)
const tokens = (n: number) => Array.from({ length: n }, () => next() % config.vocabSize)

// Three prompts of different lengths, G = 4 with ragged completions (one truncated), rewards with spread.
const GROUPS: ReadonlyArray<ScoredGroup> = [[12, [5, 3, 6, 2]], [7, [4, 4, 1, 6]], [9, [2, 5, 3, 3]]].map(([p, lengths], gi) => ({
  prompt: tokens(p as number),
  completions: (lengths as Array<number>).map((n, ci) => ({
    ids: tokens(n),
    // A stand-in sampler, off the trainer by a little: the importance weights are not all 1.
    logprobs: Array.from({ length: n }, (_, k) => -5 + 0.1 * Math.sin(gi + ci + k)),
    finishReason: ci === 3 && gi === 0 ? "length" as const : "stop" as const
  })),
  rewards: (lengths as Array<number>).map((_, ci) => ((ci + gi) % 3) / 2)
}))

const run = async (training: "lora" | "base", options: Partial<GrpoStepOptions>, prefixSharing: boolean) => {
  const model = newModel(training)
  const grouped = vi.spyOn(model, "groupTokenLogprobs")
  const optimizer = makeOptimizer(model.parameters().map(([, t]) => t), { maxGradNorm: 1 })
  const hints: Array<boolean | undefined> = []
  const metrics = await grpoStep(model, optimizer, GROUPS, {
    advantage: groupStdAdvantage(),
    loss: dapoLoss(),
    beta: 0,
    estimator: "k3",
    lr: 1e-3,
    iterations: 1,
    clip: { low: 0.2, high: 0.28 },
    maxCompletionLength: 6,
    maskTruncated: true,
    maxTokens: 4096,
    reference: async (seqs, starts, o) => {
      hints.push(o?.sharePrefixes)
      return model.sequenceLogprobs(seqs, starts, { adapter: "base", ...o })
    },
    ...options,
    prefixSharing
  })
  const weights = new Map<string, Float32Array>()
  for (const [name, t] of model.parameters()) weights.set(name, (await t.toArray()) as Float32Array)
  const calls = grouped.mock.calls.length
  optimizer.dispose()
  model.dispose()
  return { metrics, weights, calls, hints }
}

describe("grpoStep with prefix sharing", () => {
  const cases: ReadonlyArray<[string, "lora" | "base", Partial<GrpoStepOptions>]> = [
    ["LoRA, KL (k3) against the base, μ = 2, importance correction", "lora", { beta: 0.04, iterations: 2, importanceCap: 2 }],
    ["full training, β = 0, one group per pass and groups split to fit (maxTokens 24)", "base", { maxTokens: 24 }]
  ]
  for (const [name, training, options] of cases) {
    it(`gives the loss, metrics and updated weights of the unshared step (${name})`, async () => {
      const shared = await run(training, options, true)
      const plain = await run(training, options, false)
      // The switch works: only the shared step scores groups, and the reference is told so.
      expect(shared.calls).toBeGreaterThan(0)
      expect(plain.calls).toBe(0)
      if (options.beta !== undefined) {
        expect(shared.hints).toEqual([true])
        expect(plain.hints).toEqual([false])
      }
      // Metrics: f32 sums in another order, relative 1e-5 (plus 1e-7 for those near 0); counts exactly.
      for (const [key, value] of Object.entries(plain.metrics)) {
        const got = shared.metrics[key as keyof typeof shared.metrics]
        expect(Math.abs(got - value), key).toBeLessThanOrEqual(1e-5 * Math.abs(value) + 1e-7)
      }
      expect(shared.metrics.trained_sequences).toBe(plain.metrics.trained_sequences)
      expect(shared.metrics.train_tokens).toBe(plain.metrics.train_tokens)
      expect(shared.metrics.loss).not.toBe(0)
      // Weights after the step(s): AdamW's first step is about lr · sign(g), so an entry whose
      // gradient is near 0 amplifies the rounding; 1e-5 absolute is 1% of one step (lr 1e-3).
      // Measured: 6e-8 (LoRA), 1.8e-6 (full).
      let moved = 0
      for (const [key, w] of plain.weights) {
        const s = shared.weights.get(key)!
        w.forEach((x, i) => expect(Math.abs(s[i]! - x), `${key}[${i}]`).toBeLessThanOrEqual(1e-5))
        moved++
      }
      expect(moved).toBe(shared.weights.size)
    }, 60_000)
  }
})

describe("groupPasses", () => {
  const seq = (prompt: ReadonlyArray<number>, completion: number): TrainSequence => ({ ids: [...prompt, ...Array.from({ length: completion }, (_, i) => i)], start: prompt.length, weight: 1 })
  it("groups by prompt, packs groups up to the token budget, splits a group that does not fit, skips empty completions", () => {
    const a = [1, 2, 3, 4]
    const b = [5, 6]
    // Group a: 4 + 3·(5 − 1) = 16 tokens; group b: 2 + 2·(3 − 1) = 6.
    const sequences = [seq(a, 5), seq(b, 3), seq(a, 2), seq(b, 1), seq(a, 4), seq(b, 0)]
    expect(groupPasses(sequences, 22)).toEqual([[[0, 2, 4], [1, 3]]])
    expect(groupPasses(sequences, 21)).toEqual([[[0, 2, 4]], [[1, 3]]])
    // Over the budget alone: longest first, as many as fit with the prompt (4 + 2·4 = 12 ≤ 12; then 4 + 1·1).
    expect(groupPasses(sequences, 12)).toEqual([[[0, 4]], [[2], [1, 3]]])
    // One completion always goes, even over the budget.
    expect(groupPasses([seq(a, 5)], 3)).toEqual([[[0]]])
    expect(() => groupPasses([{ ids: [1, 2], start: 0, weight: 1 }], 8)).toThrow(/sequence 0: start 0 for 2 tokens/)
  })
})
