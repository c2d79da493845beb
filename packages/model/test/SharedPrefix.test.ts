import { fromArray, makeCpuBackend, sum, mul, tidy } from "@sapphire-rl/tensor"
import type { Backend, Tensor } from "@sapphire-rl/tensor"
import { afterAll, describe, expect, it } from "vitest"
import { initLoraModules, openBackend, Qwen2Model, randomQwen2Weights, seededNormal, TINY_TEST_CONFIG } from "../src/index.ts"
import type { LoraConfig, PromptGroup } from "../src/index.ts"

const config = TINY_TEST_CONFIG
const lora: LoraConfig = { rank: 4, alpha: 8, targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], useRslora: false, layers: null, dropout: 0 }

// Weights large enough (std 0.1) that the log-probs are far from uniform; B non-zero so the adapters matter.
const makeModel = (backend: Backend) => {
  const normal = seededNormal(11)
  const modules = initLoraModules(config, lora, seededNormal(12)).map((m) => ({ ...m, b: { ...m.b, data: m.b.data.map(() => 0.05 * normal()) } }))
  return new Qwen2Model(config, randomQwen2Weights(config, 7, 0.1), { backend, lora: { config: lora, modules }, trainable: "all" })
}

let seed = 5
const token = () => (seed = (seed * 48271) % 2147483647) % config.vocabSize
const tokens = (n: number) => Array.from({ length: n }, token)

// Ragged completions, a group of one, a group whose completions are one token each.
const GROUPS: ReadonlyArray<PromptGroup> = [
  { prompt: tokens(9), completions: [tokens(5), tokens(3), tokens(6), tokens(1)] },
  { prompt: tokens(4), completions: [tokens(4)] },
  { prompt: tokens(6), completions: [tokens(1), tokens(1), tokens(1)] }
]

/** The unshared reference: `tokenLogprobs` of every prompt + completion, at the completion positions, as [rows, T]. */
const unshared = (model: Qwen2Model, groups: ReadonlyArray<PromptGroup>, temperature: number, adapter: "policy" | "base"): Tensor => {
  const seqs = groups.flatMap((g) => g.completions.map((c) => ({ ids: [...g.prompt, ...c], start: g.prompt.length })))
  const L = Math.max(...seqs.map((s) => s.ids.length)) - 1
  const T = Math.max(...seqs.map((s) => s.ids.length - s.start))
  const ids = new Int32Array(seqs.length * L)
  const targets = new Int32Array(seqs.length * L).fill(-1)
  const pick = new Int32Array(seqs.length * T)
  seqs.forEach((s, r) => {
    for (let t = 0; t < s.ids.length - 1; t++) ids[r * L + t] = s.ids[t]!
    for (let k = 0; k < s.ids.length - s.start; k++) targets[r * L + s.start - 1 + k] = s.ids[s.start + k]!
    for (let k = 0; k < T; k++) pick[r * T + k] = k < s.ids.length - s.start ? r * L + s.start - 1 + k : -1
  })
  return tidy(() => {
    const lp = model.tokenLogprobs(
      fromArray(ids, [seqs.length, L], { backend: model.backend, dtype: "i32" }),
      fromArray(targets, [seqs.length, L], { backend: model.backend, dtype: "i32" }),
      temperature,
      { adapter }
    )
    // Completion positions gathered by a 0/1 matrix, so the reference keeps its gradient.
    const select = new Float32Array(seqs.length * T * seqs.length * L)
    pick.forEach((at, i) => { if (at >= 0) select[i * seqs.length * L + at] = 1 })
    const flat = lp.reshape([seqs.length * L, 1])
    return fromArray(select, [seqs.length * T, seqs.length * L], { backend: model.backend }).matmul(flat).reshape([seqs.length, T])
  })
}

const gradients = async (model: Qwen2Model, loss: Tensor): Promise<Map<string, Float32Array>> => {
  loss.backward()
  const out = new Map<string, Float32Array>()
  for (const [name, t] of model.parameters()) {
    out.set(name, t.grad === null ? new Float32Array(t.size) : ((await t.grad.toArray()) as Float32Array))
    t.zeroGrad()
  }
  loss.dispose()
  return out
}

const suite = (name: string, backend: Backend) =>
  describe(`groupTokenLogprobs on ${name}`, () => {
    for (const adapter of ["policy", "base"] as const) {
      for (const temperature of [1, 0.7]) {
        it(`equals tokenLogprobs of the full sequences, values and parameter gradients (adapter ${adapter}, temperature ${temperature})`, async () => {
          const model = makeModel(backend)
          const shared = model.groupTokenLogprobs(GROUPS, temperature, { adapter })
          const reference = unshared(model, GROUPS, temperature, adapter)
          expect(shared.shape).toEqual(reference.shape)
          const [a, b] = [(await shared.toArray()) as Float32Array, (await reference.toArray()) as Float32Array]
          // f32, the same math in another order: 2e-5 absolute (log-probs here are about −5).
          let worst = 0
          a.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - b[i]!))))
          expect(worst).toBeLessThan(2e-5)
          // Past each completion's end both are exactly 0.
          GROUPS.flatMap((g) => g.completions).forEach((c, r) => {
            for (let k = c.length; k < shared.shape[1]!; k++) expect(a[r * shared.shape[1]! + k]).toBe(0)
          })
          // A loss with distinct weights per token, so every position's gradient counts.
          const weights = fromArray(Float32Array.from({ length: a.length }, (_, i) => Math.sin(i + 1)), [...shared.shape], { backend })
          const gs = await gradients(model, tidy(() => sum(mul(shared, weights))))
          const gr = await gradients(model, tidy(() => sum(mul(reference, weights))))
          weights.dispose()
          shared.dispose()
          reference.dispose()
          expect([...gs.keys()]).toEqual([...gr.keys()])
          let compared = 0
          for (const [key, g] of gs) {
            const r = gr.get(key)!
            const scale = r.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
            // Adapters off: their gradients are exactly 0 on both paths.
            if (adapter === "base" && key.includes("lora_")) {
              expect(scale).toBe(0)
              expect(g.every((x) => x === 0)).toBe(true)
              continue
            }
            // f32 sums in another order: 1e-4 of the parameter's largest gradient entry, plus 1e-7.
            g.forEach((x, i) => expect(Math.abs(x - r[i]!), `${key}[${i}]`).toBeLessThanOrEqual(1e-4 * scale + 1e-7))
            if (scale > 0) compared++
          }
          expect(compared).toBeGreaterThan(20)
          model.dispose()
          expect(backend.memory().liveBuffers).toBe(0)
        })
      }
    }

    it("sequenceLogprobs with sharePrefixes equals it without (no grad, several batches, an empty completion)", async () => {
      const model = makeModel(backend)
      const sequences = GROUPS.flatMap((g) => g.completions.map((c) => [...g.prompt, ...c]))
      const starts = GROUPS.flatMap((g) => g.completions.map(() => g.prompt.length))
      // An empty completion, and a sequence of the first group placed last (not adjacent to its group).
      sequences.push([...GROUPS[1]!.prompt], [...GROUPS[0]!.prompt, ...tokens(2)])
      starts.push(GROUPS[1]!.prompt.length, GROUPS[0]!.prompt.length)
      for (const maxLogits of [1 << 24, 4 * config.vocabSize]) {
        const plain = await model.sequenceLogprobs(sequences, starts, { adapter: "base", temperature: 0.8, maxLogits })
        const shared = await model.sequenceLogprobs(sequences, starts, { adapter: "base", temperature: 0.8, maxLogits, sharePrefixes: true })
        expect(shared.map((x) => x.length)).toEqual(plain.map((x) => x.length))
        // No gradient, f32 in another order: 2e-5 absolute.
        shared.forEach((x, i) => x.forEach((v, k) => expect(Math.abs(v - plain[i]![k]!)).toBeLessThan(2e-5)))
      }
      model.dispose()
      expect(backend.memory().liveBuffers).toBe(0)
    })
  })

suite("cpu", makeCpuBackend())

describe("groupTokenLogprobs input checks", () => {
  const backend = makeCpuBackend()
  it("names the group of an empty prompt, an empty group, an id outside the vocabulary, and no completion tokens", () => {
    const model = makeModel(backend)
    expect(() => model.groupTokenLogprobs([{ prompt: [1], completions: [[2]] }, { prompt: [], completions: [[1]] }])).toThrow(/group 1 has an empty prompt/)
    expect(() => model.groupTokenLogprobs([{ prompt: [1], completions: [] }])).toThrow(/group 0 has no completions/)
    expect(() => model.groupTokenLogprobs([{ prompt: [1], completions: [[2], [3, config.vocabSize]] }])).toThrow(/group 0 completion 1, token 1: id \d+ is not in/)
    expect(() => model.groupTokenLogprobs([{ prompt: [1], completions: [[]] }])).toThrow(/no completion has a token/)
    model.dispose()
    expect(backend.memory().liveBuffers).toBe(0)
  })
})

// WebGPU: the same suite; without an adapter it fails in CI and is skipped (with the reason) elsewhere.
const gpu = await openBackend("webgpu").catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
if (typeof gpu !== "string") {
  suite("webgpu", gpu.backend)
  afterAll(() => gpu.close())
} else if (process.env["CI"] !== undefined) {
  it("groupTokenLogprobs on webgpu needs a WebGPU adapter in CI", () => {
    throw new Error(`CI is set but WebGPU is unavailable: ${gpu}`)
  })
} else {
  describe.skip(`groupTokenLogprobs on webgpu (skipped: ${gpu})`, () => {
    it("needs a WebGPU adapter", () => {})
  })
}
