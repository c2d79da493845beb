import { describe, expect, it } from "@effect/vitest"
import { Engine } from "@sapphire-rl/engine"
import type { Qwen2Model } from "@sapphire-rl/model"
import { TensorBackend } from "@sapphire-rl/tensor"
import { Effect, Layer } from "effect"
import { backendLayer, Device, localEngineLayer, PolicyModel } from "../src/index.ts"

// The real chain on the CPU backend with the tiny test preset: Engine → PolicyModel →
// TensorBackend, built and released by Layer, nothing torn down by hand.
const graph = localEngineLayer().pipe(
  Layer.provideMerge(PolicyModel.layerPreset("tiny-test", 5)),
  Layer.provideMerge(Device.layer),
  Layer.provideMerge(backendLayer("cpu"))
)

describe("the layer graph", () => {
  it.live("generates through Engine on the preset model, and releases the model and backend with the scope", () =>
    Effect.gen(function*() {
      let model: Qwen2Model | undefined
      let liveDuring = 0
      const out = yield* Effect.gen(function*() {
        const policy = yield* PolicyModel
        const backend = yield* TensorBackend
        model = policy.model
        expect(policy.model.backend).toBe(backend)
        const engine = yield* Engine
        const prompt = policy.tokenizer.encode("Assign the DRG.")
        const results = yield* engine.generate([
          { prompt, params: { n: 2, maxNewTokens: 4, seed: 1, temperature: 1 } },
          { prompt, params: { n: 1, maxNewTokens: 4, seed: 1, temperature: 0 } }
        ])
        liveDuring = backend.memory().liveBuffers
        return results
      }).pipe(Effect.provide(graph))
      expect(out.map((r) => r.completions.length)).toEqual([2, 1])
      for (const r of out) for (const c of r.completions) expect(c.ids.length).toBeGreaterThan(0)
      expect(liveDuring).toBeGreaterThan(0)
      // Scope closed: the model's weights were disposed by its release.
      expect(model).toBeDefined()
      expect([...model!.weights.values()].every((t) => t.isDisposed)).toBe(true)
    }))

  it.live("the same seed gives the same completions in a fresh graph (nothing global leaks between runs)", () =>
    Effect.gen(function*() {
      const once = Effect.gen(function*() {
        const policy = yield* PolicyModel
        const engine = yield* Engine
        const [r] = yield* engine.generate([{ prompt: policy.tokenizer.encode("note"), params: { n: 2, maxNewTokens: 5, seed: 9 } }])
        return r!.completions.map((c) => c.ids)
      }).pipe(Effect.provide(graph))
      expect(yield* once).toEqual(yield* once)
    }))
})
