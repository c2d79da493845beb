import type { Backend } from "@sapphire-rl/tensor"
import { makeCpuBackend } from "@sapphire-rl/tensor"
import { drgTinyTokenizer, openBackend } from "@sapphire-rl/model"
import { loadQwen2Node } from "@sapphire-rl/model/node"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { generate, scoreCompletions } from "../src/index.ts"

// The reference checkpoints written by benchmarks/reference/make_qwen2_fixtures.py.
const fixture = (name: string) => fileURLToPath(new URL(`../../model/test/fixtures/${name}`, import.meta.url))

// Token ids of the toy checkpoints are not text: spell them as letters for stop strings.
const letters = {
  decode: (ids: ReadonlyArray<number>) => ids.map((i) => String.fromCharCode(65 + (i % 26))).join("")
}

const suite = (backendName: string, backend: Backend) => describe(`generate with Qwen2 (${backendName})`, async () => {
  const model = await loadQwen2Node(fixture("qwen2-bf16-untied"), { backend })
  const expected = JSON.parse(readFileSync(`${fixture("qwen2-bf16-untied")}/expected.json`, "utf8")) as {
    greedy: Array<{ prompt: Array<number>; continuation: Array<number>; maxNewTokens: number }>
  }

  it("greedy generation reproduces the PyTorch continuations", async () => {
    const results = await generate(
      model,
      letters,
      expected.greedy.map((g) => ({ prompt: g.prompt, params: { maxNewTokens: g.maxNewTokens, temperature: 0, ignoreEos: true } }))
    )
    results.forEach((r, i) => expect(r.completions[0]!.ids).toEqual(expected.greedy[i]!.continuation))
  })

  const requests = [
    { prompt: [3, 120, 64, 9, 9, 15, 101, 2], params: { maxNewTokens: 10, seed: 11, n: 3, ignoreEos: true } },
    { prompt: [11], params: { maxNewTokens: 6, seed: 12, topK: 10, temperature: 0.8 } },
    { prompt: [100, 1, 2], params: { maxNewTokens: 12, seed: 13, n: 2, topP: 0.9, stop: ["Q"] } }
  ]

  it("samples ragged prompts together exactly as one by one, and reproduces them from the seed", async () => {
    const batched = await generate(model, letters, requests)
    for (let i = 0; i < requests.length; i++) {
      const [alone] = await generate(model, letters, [requests[i]!])
      alone!.completions.forEach((c, j) => {
        const b = batched[i]!.completions[j]!
        expect(c.ids).toEqual(b.ids)
        expect(c.finishReason).toBe(b.finishReason)
        // Same math on other batch shapes: log-probs agree to f32 rounding.
        c.logprobs.forEach((lp, t) => expect(Math.abs(lp - b.logprobs[t]!)).toBeLessThan(1e-4))
      })
    }
    const again = await generate(model, letters, requests)
    expect(again.map((r) => r.completions.map((c) => c.ids))).toEqual(batched.map((r) => r.completions.map((c) => c.ids)))
    expect(new Set(batched[0]!.completions.map((c) => c.ids.join(","))).size).toBe(3)
    expect(backend.memory().liveBuffers).toBe(model.weights.size)
  })

  it("drops finished rows from the cache without changing any completion", async () => {
    // Six short rows finish after 2 tokens; the cache then shrinks to the two long ones.
    const mixed = [
      { prompt: [3, 120, 64], params: { maxNewTokens: 2, seed: 21, n: 6, ignoreEos: true } },
      { prompt: [100, 1, 2, 3], params: { maxNewTokens: 12, seed: 22, n: 2, ignoreEos: true } }
    ]
    let retained = 0
    const counting = {
      ...model,
      vocabSize: model.vocabSize,
      eosTokenIds: model.eosTokenIds,
      sequenceLogprobs: model.sequenceLogprobs.bind(model),
      openSession: (rows: number, capacity: number) => {
        const s = model.openSession(rows, capacity)
        return {
          get rows() {
            return s.rows
          },
          capacity: s.capacity,
          prefill: s.prefill,
          prefillMany: s.prefillMany,
          step: s.step,
          dispose: s.dispose,
          retain: (keep: ReadonlyArray<number>) => {
            retained++
            s.retain(keep)
          }
        }
      }
    }
    const together = await generate(counting, letters, mixed)
    expect(retained).toBe(1)
    for (let i = 0; i < mixed.length; i++) {
      const [alone] = await generate(model, letters, [mixed[i]!])
      expect(alone!.completions.map((c) => c.ids)).toEqual(together[i]!.completions.map((c) => c.ids))
    }
    expect(together[1]!.completions[0]!.ids).toHaveLength(12)
  })

  it("reports sampler log-probs equal to the scoring pass (1e-4 absolute)", async () => {
    const results = await generate(model, letters, requests)
    const flat = results.flatMap((r, i) => r.completions.map((c) => ({ prompt: requests[i]!.prompt, c })))
    const scores = await scoreCompletions(model, flat.map(({ prompt, c }) => ({ prompt, completion: c.ids })))
    flat.forEach(({ c }, i) => {
      expect(scores[i]!.length).toBe(c.ids.length)
      c.logprobs.forEach((lp, t) => expect(Math.abs(lp - scores[i]![t]!)).toBeLessThan(1e-4))
    })
  })

  it("runs the drg-tiny tokenizer end to end (text, EOS ids from the config)", async () => {
    const tok = drgTinyTokenizer()
    const prompt = tok.encode(tok.applyChatTemplate([{ role: "user", content: "sepsis" }], { addGenerationPrompt: true }))
    // The fixture's vocabulary is 128 tokens: clamp the prompt ids into it.
    const [r] = await generate(model, tok, [{ prompt: prompt.map((id) => id % 128), params: { maxNewTokens: 5, seed: 1 } }])
    const c = r!.completions[0]!
    expect(c.text).toBe(tok.decode(c.ids, { skipSpecialTokens: true }))
  })
})

suite("cpu", makeCpuBackend())

// WebGPU: fails in CI without an adapter, skipped (with the reason) elsewhere.
const gpu = await openBackend("webgpu").catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
if (typeof gpu !== "string") {
  suite("webgpu", gpu.backend)
  afterAll(() => gpu.close())
} else if (process.env["CI"] !== undefined) {
  it("generate on webgpu needs a WebGPU adapter in CI", () => {
    throw new Error(`CI is set but WebGPU is unavailable: ${gpu}`)
  })
} else {
  describe.skip(`generate with Qwen2 (webgpu skipped: ${gpu})`, () => {
    it("needs a WebGPU adapter", () => {})
  })
}
