import * as fc from "fast-check"
import { makeCpuBackend } from "@sapphire-rl/tensor"
import { describe, expect, it } from "vitest"
import { decodeQwen2Config, Qwen2Model, randomQwen2Weights } from "../src/index.ts"
import { hostForward } from "./support/hostForward.ts"
import { logitsOf, relError } from "./support/models.ts"

// The float64 host forward was checked against PyTorch and HF transformers (Lora.test.ts and
// benchmarks/reference/check_with_transformers.py); here it is the reference for shapes the
// fixtures do not cover: other GQA ratios (MHA, 3:1, 6:1), head sizes, theta, tying.
describe("Qwen2Model over random shapes (cpu vs float64 host forward)", () => {
  const backend = makeCpuBackend()

  it("matches for any head layout, tying and rope_theta (1e-4 of the largest logit)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          kvHeads: fc.integer({ min: 1, max: 2 }),
          group: fc.constantFrom(1, 3, 6),
          headDim: fc.constantFrom(4, 8, 16),
          layers: fc.integer({ min: 1, max: 2 }),
          vocab: fc.integer({ min: 5, max: 40 }),
          tied: fc.boolean(),
          theta: fc.constantFrom(100, 10000, 1e6),
          seed: fc.integer({ min: 1, max: 1000 }),
          length: fc.integer({ min: 1, max: 9 })
        }),
        async (p) => {
          const heads = p.kvHeads * p.group
          const config = decodeQwen2Config({
            hidden_size: heads * p.headDim,
            intermediate_size: 2 * heads * p.headDim + 4,
            num_hidden_layers: p.layers,
            num_attention_heads: heads,
            num_key_value_heads: p.kvHeads,
            rms_norm_eps: 1e-5,
            rope_theta: p.theta,
            vocab_size: p.vocab,
            tie_word_embeddings: p.tied,
            max_position_embeddings: 64
          })
          const weights = randomQwen2Weights(config, p.seed, 0.3)
          const ids = Array.from({ length: p.length }, (_, t) => (p.seed * 7 + t * 13) % p.vocab)
          const model = new Qwen2Model(config, weights, { backend })
          const got = (await logitsOf(model, [ids])).host
          model.dispose()
          const want = hostForward(config, weights, ids).map((r) => Array.from(r))
          expect(relError(got, want)).toBeLessThan(1e-4)
        }
      ),
      { numRuns: 12 }
    )
    expect(backend.memory().liveBuffers).toBe(0)
  })
})
