import { initLoraModules, type LoraConfig, Qwen2Model, randomQwen2Weights, seededNormal, TINY_TEST_CONFIG } from "@sapphire-rl/model"
import { fromArray, makeCpuBackend, tidy } from "@sapphire-rl/tensor"
import { describe, expect, it } from "vitest"
import { dpoBackward, dpoLoss, dpoStep, makeOptimizer, packSequences, type PreferencePair, type ReferenceScorer } from "../src/index.ts"

const backend = makeCpuBackend()
const lora: LoraConfig = { rank: 2, alpha: 4, targets: ["q_proj", "v_proj", "down_proj"], useRslora: false, layers: null, dropout: 0 }
// A LoRA policy whose adapters already differ from the base (B ≠ 0), so policy ≠ reference.
const policy = () => {
  const modules = initLoraModules(TINY_TEST_CONFIG, lora, seededNormal(4)).map((m) => ({
    ...m,
    b: { shape: m.b.shape, data: Float32Array.from(m.b.data, (_, i) => Math.sin(i + 1) * 0.05) }
  }))
  return new Qwen2Model(TINY_TEST_CONFIG, randomQwen2Weights(TINY_TEST_CONFIG, 1, 0.1), { backend, trainable: "lora", lora: { config: lora, modules } })
}
const pairs: Array<PreferencePair> = [
  { prompt: [1, 5, 9], chosen: [12, 7, 3], rejected: [4] },
  { prompt: [2, 8], chosen: [10, 11], rejected: [6, 6, 6, 2] }
]
const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((s, v) => s + v, 0)

describe("dpoStep", () => {
  it("its loss is the DPO formula on independently scored log-probs, and its gradient equals autograd through the tensor dpoLoss (rel. 1e-4)", async () => {
    const model = policy()
    const reference: ReferenceScorer = (seqs, starts) => model.sequenceLogprobs(seqs, starts, { adapter: "base" })
    const beta = 0.5
    const r = await dpoBackward(model, pairs, { beta, reference, maxTokens: 8 }) // micro-batches split the pairs
    const viaHost = model.parameters().map(([, t]) => t.grad)
    const hostGrads = await Promise.all(viaHost.map(async (g) => (await g!.toArray()) as Float32Array))
    for (const [, t] of model.parameters()) t.zeroGrad()

    // Expected loss from scores taken here, by hand.
    const seqs = pairs.flatMap((p) => [[...p.prompt, ...p.chosen], [...p.prompt, ...p.rejected]])
    const starts = pairs.flatMap((p) => [p.prompt.length, p.prompt.length])
    const pol = await model.sequenceLogprobs(seqs, starts, { adapter: "policy" })
    const ref = await model.sequenceLogprobs(seqs, starts, { adapter: "base" })
    const margins = pairs.map((_, i) => beta * ((sum(pol[2 * i]!) - sum(ref[2 * i]!)) - (sum(pol[2 * i + 1]!) - sum(ref[2 * i + 1]!))))
    expect(margins.every((m) => m !== 0)).toBe(true)
    const want = margins.reduce((s, m) => s + Math.log(1 + Math.exp(-m)), 0) / pairs.length
    expect(Math.abs(r.loss - want)).toBeLessThan(1e-6)

    // Autograd through the tensor objective with every sequence in one batch.
    const chosenBatch = packSequences(pairs.map((p) => ({ ids: [...p.prompt, ...p.chosen], start: p.prompt.length, weight: 1 })))
    const rejectedBatch = packSequences(pairs.map((p) => ({ ids: [...p.prompt, ...p.rejected], start: p.prompt.length, weight: 1 })))
    const refMargin = pairs.map((_, i) => sum(ref[2 * i]!) - sum(ref[2 * i + 1]!))
    const loss = tidy(() => {
      const lp = (b: typeof chosenBatch) =>
        model.tokenLogprobs(fromArray(b.inputs, [b.rows, b.length], { backend, dtype: "i32" }), fromArray(b.targets, [b.rows, b.length], { backend, dtype: "i32" }))
      return dpoLoss(lp(chosenBatch), lp(rejectedBatch), refMargin, beta)
    })
    expect(Math.abs((await loss.item()) - want)).toBeLessThan(1e-5)
    loss.backward()
    loss.dispose()
    const autoGrads = await Promise.all(model.parameters().map(async ([, t]) => (await t.grad!.toArray()) as Float32Array))
    let maxDiff = 0
    let maxAbs = 0
    autoGrads.forEach((g, i) => g.forEach((v, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - hostGrads[i]![k]!))
      maxAbs = Math.max(maxAbs, Math.abs(v))
    }))
    expect(maxAbs).toBeGreaterThan(1e-4)
    expect(maxDiff).toBeLessThan(1e-4 * maxAbs)
    model.dispose()
  })

  it("steps raise the chosen-over-rejected margin", async () => {
    const model = policy()
    const optimizer = makeOptimizer(model.parameters().map(([, t]) => t), { maxGradNorm: 1 })
    const reference: ReferenceScorer = (seqs, starts) => model.sequenceLogprobs(seqs, starts, { adapter: "base" })
    const first = await dpoStep(model, optimizer, pairs, { beta: 0.1, reference, lr: 1e-2, maxTokens: 64 })
    let last = first
    for (let i = 0; i < 10; i++) last = await dpoStep(model, optimizer, pairs, { beta: 0.1, reference, lr: 1e-2, maxTokens: 64 })
    expect(last.margin).toBeGreaterThan(first.margin + 0.1)
    expect(last.loss).toBeLessThan(first.loss)
    expect(last.accuracy).toBe(1)
    optimizer.dispose()
    model.dispose()
  })
})
