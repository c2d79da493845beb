import { openBackend } from "@sapphire-rl/model"
import { type Backend, fromArray, makeCpuBackend } from "@sapphire-rl/tensor"
import { afterAll, describe, expect, it } from "vitest"
import { grpoLoss, packSequences, type TrainSequence, truncatedImportanceWeights } from "../src/index.ts"

// The truncated-importance-weighted GRPO objective on WebGPU against the CPU backend: the
// weights, the loss and its gradient, and (weights exactly 1) the unweighted loss bit for bit.
const cpu = makeCpuBackend()
const LP = [0, -0.4, -1.3, 0, -2.2, 0]
const seqs = (extra: (i: number) => Partial<TrainSequence>): Array<TrainSequence> => [
  { ids: [5, 6, 7, 8], start: 2, weight: 0.5, ...extra(0) },
  { ids: [5, 6, 9], start: 2, weight: 0.25, ...extra(1) }
]
// μ > 1 with clipping and KL; weights e^0.5, capped (e^1.2 > 2), e^−0.5.
const batch = packSequences(seqs((i) => (i === 0
  ? { advantage: 0.7, oldLogprobs: [-0.6, -1.1], samplerLogprobs: [-1.1, -2.3], refLogprobs: [-0.5, -1.2] }
  : { advantage: -1.1, oldLogprobs: [-2.05], samplerLogprobs: [-1.55], refLogprobs: [-1.9] })))
const options = { clipLow: 0.2, clipHigh: 0.1, beta: 0.04, estimator: "k3" as const }

const evaluate = async (backend: Backend, weighted: boolean, b = batch) => {
  const lp = fromArray(Float32Array.from(LP), [2, 3], { backend }).setRequiresGrad()
  const w = weighted ? truncatedImportanceWeights(lp, b, 2) : undefined
  const loss = grpoLoss(lp, b, w === undefined ? options : { ...options, tokenWeights: w })
  const value = await loss.item()
  loss.backward()
  return {
    value,
    grad: Array.from((await lp.grad!.toArray()) as Float32Array),
    weights: w === undefined ? [] : Array.from((await w.toArray()) as Float32Array)
  }
}

const suite = (backend: Backend) =>
  describe("truncated importance sampling on WebGPU", () => {
    it("weights, weighted loss and gradient match the CPU backend (abs 1e-6)", async () => {
      const want = await evaluate(cpu, true)
      const got = await evaluate(backend, true)
      got.weights.forEach((x, i) => expect(Math.abs(x - want.weights[i]!)).toBeLessThan(1e-6))
      expect(Math.abs(got.value - want.value)).toBeLessThan(1e-6)
      got.grad.forEach((x, i) => expect(Math.abs(x - want.grad[i]!)).toBeLessThan(1e-6))
    })
    it("sampler = old log-probs: weights exactly 1, loss and gradient bit for bit the unweighted ones", async () => {
      const same = packSequences(seqs((i) => {
        const old = i === 0 ? [-0.6, -1.1] : [-2.05]
        return { advantage: i === 0 ? 0.7 : -1.1, oldLogprobs: old, samplerLogprobs: old, refLogprobs: i === 0 ? [-0.5, -1.2] : [-1.9] }
      }))
      const weighted = await evaluate(backend, true, same)
      const plain = await evaluate(backend, false, same)
      expect(weighted.weights).toEqual(new Array(6).fill(1))
      expect(weighted.value).toBe(plain.value)
      expect(weighted.grad).toEqual(plain.grad)
    })
  })

// llvmpipe here; without an adapter it fails in CI and is skipped (with the reason) elsewhere.
const gpu = await openBackend("webgpu").catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
if (typeof gpu !== "string") {
  suite(gpu.backend)
  afterAll(() => gpu.close())
} else if (process.env["CI"] !== undefined) {
  it("truncated importance sampling on WebGPU needs a WebGPU adapter in CI", () => {
    throw new Error(`CI is set but WebGPU is unavailable: ${gpu}`)
  })
} else {
  describe.skip(`truncated importance sampling on WebGPU (skipped: ${gpu})`, () => {
    it("matches the CPU backend", () => {})
  })
}
