import { fromArray, makeCpuBackend, tidy } from "@sapphire-rl/tensor"
import type { Backend } from "@sapphire-rl/tensor"
import { readFileSync } from "node:fs"
import { afterAll, describe, expect, it } from "vitest"
import {
  decodeLoraConfig,
  f16ToF32,
  f32ToF16,
  initLoraModules,
  loadSnapshot,
  loraAdapterFiles,
  memorySnapshotReader,
  mergeLora,
  openBackend,
  parseLoraModules,
  Qwen2Model,
  qwen2SnapshotFiles,
  randomQwen2Weights,
  readQwen2Weights,
  TINY_TEST_CONFIG
} from "../src/index.ts"
import { CHECKPOINTS, fixtureJson, fixturePath } from "./support/fixtures.ts"
import type { ExpectedOutputs } from "./support/fixtures.ts"
import { argmaxRow, loadFixtureModel, logitsOf, relError } from "./support/models.ts"

// Tolerance of the spec: |logit error| <= 1e-4 x the largest |logit| (f32 vs float64 PyTorch).
const TOL = 1e-4

const modelSuite = (backendName: string, backend: Backend) =>
  describe(`Qwen2Model on ${backendName}`, () => {

    it.each(CHECKPOINTS)("matches the PyTorch logits of %s (1e-4 of the largest logit), alone and batched", async (name) => {
      const { model, expected, config } = await loadFixtureModel(name, backend)
      for (const s of expected.sequences) {
        const { host } = await logitsOf(model, [s.ids])
        expect(relError(host, s.logits)).toBeLessThan(TOL)
      }
      // Both sequences in one right-padded batch: causal attention keeps the padding out.
      const { host, T } = await logitsOf(model, expected.sequences.map((s) => s.ids))
      expected.sequences.forEach((s, b) => expect(relError(host, s.logits, b * T)).toBeLessThan(TOL))
      expect(host.length).toBe(expected.sequences.length * T * config.vocabSize)
      model.dispose()
      expect(backend.memory().liveBuffers).toBe(0)
    })

    it.each(CHECKPOINTS)("KV-cache decoding of %s equals full recompute and the PyTorch greedy continuations", async (name) => {
      const { model, expected, config } = await loadFixtureModel(name, backend)
      const V = config.vocabSize
      for (const g of expected.greedy) {
        const session = model.openSession(2, g.prompt.length + g.maxNewTokens)
        // Row 0 and row 1 share the prompt; row 1 is fed other tokens to show rows stay apart.
        let logits = await session.prefill(g.prompt, [0, 1])
        const seq = [...g.prompt]
        const other = [...g.prompt]
        for (let t = 0; t < g.maxNewTokens; t++) {
          const next = argmaxRow(logits, 0, V)
          seq.push(next)
          other.push((next + 1) % V)
          if (t === g.maxNewTokens - 1) break
          const stepLogits = await session.step([next, (next + 1) % V])
          const full = await logitsOf(model, [seq, other])
          for (const [row, s] of [[0, seq], [1, other]] as const) {
            const want = Array.from(full.host.subarray((row * full.T + s.length - 1) * V, (row * full.T + s.length) * V))
            // Cache vs recompute: the same f32 math in another order; 1e-5 of the largest logit.
            expect(relError(stepLogits.subarray(row * V, (row + 1) * V), [want])).toBeLessThan(1e-5)
          }
          logits = stepLogits.subarray(0, V)
        }
        expect(seq.slice(g.prompt.length)).toEqual(g.continuation)
        session.dispose()
      }
      model.dispose()
      expect(backend.memory().liveBuffers).toBe(0)
    })

    it("decodes ragged rows together as it decodes them one by one", async () => {
      const { model, config } = await loadFixtureModel("qwen2-bf16-untied", backend)
      const V = config.vocabSize
      const prompts = [[3, 120, 64, 9, 9, 15, 101], [11], [100, 1, 2]]
      const feeds = [[5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]
      const together = model.openSession(3, 12)
      const first = await Promise.all(prompts.map(async (p, r) => await together.prefill(p, [r])))
      const steps: Array<Float32Array> = []
      for (let t = 0; t < 4; t++) steps.push(await together.step(feeds.map((f) => f[t]!)))
      for (let r = 0; r < 3; r++) {
        const alone = model.openSession(1, 12)
        expect(relError(await alone.prefill(prompts[r]!, [0]), [Array.from(first[r]!)])).toBeLessThan(1e-6)
        for (let t = 0; t < 4; t++) {
          const got = await alone.step([feeds[r]![t]!])
          expect(relError(got, [Array.from(steps[t]!.subarray(r * V, (r + 1) * V))])).toBeLessThan(1e-6)
        }
        alone.dispose()
      }
      together.dispose()
      model.dispose()
    })

    it("fused decode steps (ropeKvWrite, addRmsnorm) equal the unfused ones: plain, LoRA on q/v, f16 weights", async () => {
      const lora = decodeLoraConfig(fixtureJson("qwen2-f32-tied-lora/adapter_config.json"))
      const tied = await loadFixtureModel("qwen2-f32-tied", backend)
      const modules = parseLoraModules(tied.config, lora, new Uint8Array(readFileSync(fixturePath("qwen2-f32-tied-lora/adapter_model.safetensors"))))
      const untied = await loadFixtureModel("qwen2-bf16-untied", backend)
      const cases = [
        // Same f32 operations in the same order: on the CPU bit for bit.
        { name: "plain", model: untied.model, tol: backend.info.name === "cpu" ? 0 : 1e-5 },
        // The fused path adds the q/v bias after the LoRA term, the unfused one before: rounding.
        { name: "lora", model: new Qwen2Model(tied.config, tied.weights, { backend, lora: { config: lora, modules } }), tol: 1e-5 },
        { name: "f16", model: new Qwen2Model(untied.config, untied.weights, { backend, weightDtype: "f16" }), tol: backend.info.name === "cpu" ? 0 : 1e-5 }
      ]
      const prompts = [[3, 120, 64, 9, 9, 15, 101], [11], [100, 1, 2]]
      const feeds = [[5, 6, 7, 8, 9], [9, 10, 11, 12, 13], [13, 14, 15, 16, 17]]
      for (const { model, name, tol } of cases) {
        const V = model.vocabSize
        const fused = model.openSession(3, 16)
        const plain = model.openSession(3, 16, { fuseDecode: false })
        for (const s of [fused, plain]) await s.prefillMany(prompts.map((prompt, r) => ({ prompt, rows: [r] })))
        for (let t = 0; t < 5; t++) {
          const tokens = feeds.map((f) => f[t]!)
          const [a, b] = [await fused.step(tokens), await plain.step(tokens)]
          for (let r = 0; r < 3; r++) {
            const err = relError(a.subarray(r * V, (r + 1) * V), [Array.from(b.subarray(r * V, (r + 1) * V))])
            expect(err, `${name}: step ${t}, row ${r}`).toBeLessThanOrEqual(tol)
          }
        }
        // Rows dropped mid-way keep decoding the same on both paths.
        fused.retain([2, 0])
        plain.retain([2, 0])
        const [a, b] = [await fused.step([1, 2]), await plain.step([1, 2])]
        expect(relError(a, [Array.from(b)]), `${name}: after retain`).toBeLessThanOrEqual(tol)
        fused.dispose()
        plain.dispose()
        model.dispose()
      }
      tied.model.dispose()
      expect(backend.memory().liveBuffers).toBe(0)
    })

    it("prefills several prompts in one padded batch as it prefills them one by one", async () => {
      const { model, config } = await loadFixtureModel("qwen2-bf16-untied", backend)
      const V = config.vocabSize
      const prompts = [[3, 120, 64, 9, 9, 15, 101], [11], [100, 1, 2]]
      // A budget of 9 padded tokens splits the three prompts into two batches.
      const batched = model.openSession(5, 12, { maxPrefillTokens: 9 })
      const first = await batched.prefillMany([
        { prompt: prompts[0]!, rows: [0, 1] },
        { prompt: prompts[1]!, rows: [2] },
        { prompt: prompts[2]!, rows: [4, 3] }
      ])
      const next = await batched.step([1, 2, 3, 4, 5])
      const rowPrompt = [0, 0, 1, 2, 2]
      for (let r = 0; r < 5; r++) {
        const alone = model.openSession(1, 12)
        const p = prompts[rowPrompt[r]!]!
        expect(relError(await alone.prefill(p, [0]), [Array.from(first[rowPrompt[r]!]!)])).toBeLessThan(1e-5)
        expect(relError(await alone.step([r + 1]), [Array.from(next.subarray(r * V, (r + 1) * V))])).toBeLessThan(1e-5)
        alone.dispose()
      }
      await expect(batched.prefillMany([{ prompt: [1], rows: [0] }])).rejects.toThrow(/not a fresh row/)
      // Keep rows 4 and 1 (in that order): their next logits are unchanged.
      const next2 = await batched.step([6, 7, 8, 9, 10])
      const again = model.openSession(5, 12)
      await again.prefillMany([{ prompt: prompts[0]!, rows: [0, 1] }, { prompt: prompts[1]!, rows: [2] }, { prompt: prompts[2]!, rows: [4, 3] }])
      await again.step([1, 2, 3, 4, 5])
      await again.step([6, 7, 8, 9, 10])
      again.retain([4, 1])
      expect(again.rows).toBe(2)
      const kept = await again.step([11, 12])
      const full = await batched.step([0, 12, 0, 0, 11])
      expect(relError(kept.subarray(0, V), [Array.from(full.subarray(4 * V, 5 * V))])).toBeLessThan(1e-5)
      expect(relError(kept.subarray(V, 2 * V), [Array.from(full.subarray(1 * V, 2 * V))])).toBeLessThan(1e-5)
      expect(next2.length).toBe(5 * V)
      again.dispose()
      batched.dispose()
      model.dispose()
    })

    it("scores sequences (sequenceLogprobs) as log-softmax of the forward logits", async () => {
      const { model, expected, config } = await loadFixtureModel("qwen2-f32-tied", backend)
      const V = config.vocabSize
      const seqs = expected.sequences.map((s) => s.ids)
      const scored = await model.sequenceLogprobs(seqs, [1, 2], { maxLogits: 2 * 12 * V - 1 })
      seqs.forEach((ids, i) => {
        const logits = expected.sequences[i]!.logits
        const start = [1, 2][i]!
        expect(scored[i]!.length).toBe(ids.length - start)
        for (let t = start; t < ids.length; t++) {
          const row = logits[t - 1]!
          const m = Math.max(...row)
          const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0))
          expect(Math.abs(scored[i]![t - start]! - (row[ids[t]!]! - lse))).toBeLessThan(1e-4)
        }
      })
      // At temperature 2: log-softmax of logits / 2.
      const [hot] = await model.sequenceLogprobs([seqs[0]!], [1], { temperature: 2 })
      const ids0 = seqs[0]!
      for (let t = 1; t < ids0.length; t++) {
        const row = expected.sequences[0]!.logits[t - 1]!.map((v) => v / 2)
        const m = Math.max(...row)
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0))
        expect(Math.abs(hot![t - 1]! - (row[ids0[t]!]! - lse))).toBeLessThan(1e-4)
      }
      model.dispose()
    })

    it("with the PEFT LoRA adapter matches PyTorch, and equals the merged model", async () => {
      const lora = decodeLoraConfig(fixtureJson("qwen2-f32-tied-lora/adapter_config.json"))
      const base = await loadFixtureModel("qwen2-f32-tied", backend)
      const modules = parseLoraModules(base.config, lora, new Uint8Array(readFileSync(fixturePath("qwen2-f32-tied-lora/adapter_model.safetensors"))))
      const adapted = new Qwen2Model(base.config, base.weights, { backend, lora: { config: lora, modules } })
      const merged = new Qwen2Model(base.config, await adapted.mergedWeights(), { backend })
      expect((await adapted.mergedWeights()).get("model.layers.0.self_attn.q_proj.weight")!.data).toEqual(
        mergeLora(base.weights, lora, modules).get("model.layers.0.self_attn.q_proj.weight")!.data
      )
      const want = fixtureJson<ExpectedOutputs>("qwen2-f32-tied-lora/expected.json").sequences[0]!
      const a = await logitsOf(adapted, [want.ids])
      const m = await logitsOf(merged, [want.ids])
      expect(relError(a.host, want.logits)).toBeLessThan(TOL)
      expect(relError(m.host, want.logits)).toBeLessThan(TOL)
      // Scoring with the adapters switched off is the base model.
      const ids = want.ids
      const [withLora] = await adapted.sequenceLogprobs([ids], [1])
      const [withoutLora] = await adapted.sequenceLogprobs([ids], [1], { lora: false })
      const [baseScores] = await base.model.sequenceLogprobs([ids], [1])
      expect(adapted.loraEnabled).toBe(true)
      withoutLora!.forEach((x, i) => expect(Math.abs(x - baseScores![i]!)).toBeLessThan(1e-5))
      expect(withLora!.some((x, i) => Math.abs(x - baseScores![i]!) > 1e-2)).toBe(true)
      // The per-call adapter choice: "base" is the base model, "policy" the adapted one, and
      // neither changes the model's own setting; tokenLogprobs (with gradient) chooses the same way.
      const [asBase] = await adapted.sequenceLogprobs([ids], [1], { adapter: "base" })
      const [asPolicy] = await adapted.sequenceLogprobs([ids], [1], { adapter: "policy" })
      expect(asBase).toEqual(withoutLora)
      expect(asPolicy).toEqual(withLora)
      adapted.loraEnabled = false
      const [policyWhileOff] = await adapted.sequenceLogprobs([ids], [1], { adapter: "policy" })
      expect(policyWhileOff).toEqual(withLora)
      expect(adapted.loraEnabled).toBe(false)
      adapted.loraEnabled = true
      const idsT = fromArray(Int32Array.from(ids.slice(0, -1)), [1, ids.length - 1], { backend, dtype: "i32" })
      const targetsT = fromArray(Int32Array.from(ids.slice(1)), [1, ids.length - 1], { backend, dtype: "i32" })
      const tokenBaseT = adapted.tokenLogprobs(idsT, targetsT, 1, { adapter: "base" })
      const tokenBase = (await tokenBaseT.toArray()) as Float32Array
      tokenBaseT.dispose()
      Array.from(tokenBase).forEach((x, i) => expect(Math.abs(x - withoutLora![i]!)).toBeLessThan(1e-6))
      expect(adapted.loraEnabled).toBe(true)
      idsT.dispose(), targetsT.dispose()
      // Adapter path vs merged weights: same model, different f32 rounding.
      expect(relError(a.host, [Array.from(m.host)])).toBeLessThan(1e-5)
      for (const x of [base.model, adapted, merged]) x.dispose()
    })

    it("trains LoRA: gradients reach A and B and match finite differences", async () => {
      const { model: base, config, weights } = await loadFixtureModel("qwen2-f32-tied", backend)
      base.dispose()
      const lora = { rank: 2, alpha: 4, targets: ["q_proj", "down_proj"] as const, useRslora: false, layers: null, dropout: 0 }
      let s = 3
      const random = () => ((s = (s * 48271) % 2147483647) / 2147483647)
      // Non-zero B so that A gets a gradient too.
      const modules = initLoraModules(config, lora, random).map((m) => ({ ...m, b: { ...m.b, data: m.b.data.map(() => random() - 0.5) } }))
      const ids = [5, 17, 3, 88, 42, 42, 9]
      const objective = async (ms: typeof modules, withGrad: boolean) => {
        const model = new Qwen2Model(config, weights, { backend, lora: { config: lora, modules: ms }, trainable: withGrad ? "lora" : "none" })
        const loss = tidy(() => {
          const lp = model.tokenLogprobs(
            fromArray(Int32Array.from(ids.slice(0, -1)), [1, 6], { backend, dtype: "i32" }),
            fromArray(Int32Array.from(ids.slice(1)), [1, 6], { backend, dtype: "i32" })
          )
          return lp.sum()
        })
        const value = await loss.item()
        let grads: Array<[string, Float32Array]> = []
        if (withGrad) {
          loss.backward()
          grads = await Promise.all(model.parameters().map(async ([n, t]) => [n, (await t.grad!.toArray()) as Float32Array] as [string, Float32Array]))
        }
        loss.dispose()
        model.dispose()
        return { value, grads }
      }
      const { grads } = await objective(modules, true)
      expect(grads.map(([n]) => n)).toContain("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight")
      for (const [name, g] of grads) expect(g.some((x) => x !== 0), name).toBe(true)
      // Central differences on a few entries of one A and one B (f32 forward: h = 1e-2, 3% or 1e-3 abs).
      for (const [mi, which, idx] of [[0, "a", 3], [3, "b", 5]] as const) {
        const h = 1e-2
        const shifted = (d: number) =>
          modules.map((m, i) => {
            if (i !== mi) return m
            const t = m[which]
            const data = Float32Array.from(t.data)
            data[idx] = data[idx]! + d
            return { ...m, [which]: { shape: t.shape, data } }
          })
        const fd = ((await objective(shifted(h), false)).value - (await objective(shifted(-h), false)).value) / (2 * h)
        const key = `base_model.model.${modules[mi]!.module}.lora_${which.toUpperCase()}.weight`
        const g = grads.find(([n]) => n === key)![1][idx]!
        expect(Math.abs(g - fd)).toBeLessThan(Math.max(1e-3, 0.03 * Math.abs(fd)))
      }
      expect(backend.memory().liveBuffers).toBe(0)
    })

    it("stores weights in f16: same as an f32 model of the f16-rounded weights", async () => {
      const { config, weights, model: full, expected } = await loadFixtureModel("qwen2-bf16-untied", backend)
      const half = new Qwen2Model(config, weights, { backend, weightDtype: "f16" })
      const rounded = new Map([...weights].map(([n, t]) => [n, { shape: t.shape, data: f16ToF32(f32ToF16(t.data)) }]))
      const reference = new Qwen2Model(config, rounded, { backend })
      const s = expected.sequences[0]!
      const h = await logitsOf(half, [s.ids])
      const r = await logitsOf(reference, [s.ids])
      // Same rounded weights, f32 compute on both sides (f16 arithmetic where the adapter has it): 1e-3.
      expect(relError(h.host, [...Array(s.ids.length)].map((_, t) => Array.from(r.host.subarray(t * config.vocabSize, (t + 1) * config.vocabSize))))).toBeLessThan(1e-3)
      // Against the exact weights, f16 storage costs about 2^-11 relative per weight: 2e-2 of the largest logit.
      expect(relError(h.host, s.logits)).toBeLessThan(2e-2)
      // Decoding reads the same f16 weights.
      const session = half.openSession(1, s.ids.length)
      const first = await session.prefill(s.ids.slice(0, 4), [0])
      expect(relError(first, [Array.from(h.host.subarray(3 * config.vocabSize, 4 * config.vocabSize))])).toBeLessThan(1e-5)
      session.dispose()
      for (const m of [full, half, reference]) m.dispose()
      expect(backend.memory().liveBuffers).toBe(0)
    })

    it("saves and reloads weights and adapters without change", async () => {
      const { model, config } = await loadFixtureModel("qwen2-bf16-untied", backend)
      const host = await model.hostWeights()
      const reloaded = await loadSnapshot(memorySnapshotReader(qwen2SnapshotFiles(config, host, "F32")))
      const back = readQwen2Weights(reloaded.config, reloaded.tensors)
      for (const [n, t] of host) expect(back.get(n)!.data).toEqual(t.data)
      const lora = { rank: 4, alpha: 8, targets: ["v_proj", "up_proj"] as const, useRslora: true, layers: [0], dropout: 0 }
      let s = 5
      const modules = initLoraModules(config, lora, () => ((s = (s * 48271) % 2147483647) / 2147483647))
      const adapted = new Qwen2Model(config, host, { backend, lora: { config: lora, modules } })
      const files = loraAdapterFiles(lora, await adapted.hostLora())
      const again = parseLoraModules(config, decodeLoraConfig(JSON.parse(files.get("adapter_config.json") as string)), files.get("adapter_model.safetensors") as Uint8Array)
      expect(again).toEqual(modules)
      model.dispose()
      adapted.dispose()
    })
  })

modelSuite("cpu", makeCpuBackend())

describe("Qwen2Model construction", () => {
  it("rejects a missing or misshapen weight, releasing the weights it had already uploaded", () => {
    const backend = makeCpuBackend()
    const weights = randomQwen2Weights(TINY_TEST_CONFIG, 1)
    // The final norm is the last weight of a tied model: every other one is uploaded first.
    const missing = new Map(weights)
    missing.delete("model.norm.weight")
    expect(() => new Qwen2Model(TINY_TEST_CONFIG, missing, { backend })).toThrow(/missing weight model\.norm\.weight/)
    expect(backend.memory().liveBuffers).toBe(0)
    // down_proj is [hidden 64, intermediate 128]; the same data as [128, 64] is the wrong matrix.
    const name = "model.layers.1.mlp.down_proj.weight"
    const misshapen = new Map(weights).set(name, { shape: [128, 64], data: weights.get(name)!.data })
    expect(() => new Qwen2Model(TINY_TEST_CONFIG, misshapen, { backend })).toThrow(
      /down_proj\.weight has shape \[128, 64\], the config needs \[64, 128\]/
    )
    expect(backend.memory().liveBuffers).toBe(0)
  })

  it("sequenceLogprobs rejects starts that do not match the sequences, before any forward", async () => {
    const backend = makeCpuBackend()
    const model = new Qwen2Model(TINY_TEST_CONFIG, randomQwen2Weights(TINY_TEST_CONFIG, 1), { backend })
    await expect(model.sequenceLogprobs([[1, 2, 3], [4, 5]], [1])).rejects.toThrow(/1 starts for 2 sequences/)
    await expect(model.sequenceLogprobs([[1, 2, 3], [4, 5]], [1, 3])).rejects.toThrow(/sequence 1: start 3 for length 2/)
    model.dispose()
  })
})

// WebGPU: the same suite; without an adapter it fails in CI and is skipped (with the reason) elsewhere.
const gpu = await openBackend("webgpu").catch((e: unknown) => (e instanceof Error ? e.message : String(e)))
if (typeof gpu !== "string") {
  modelSuite("webgpu", gpu.backend)
  afterAll(() => gpu.close())
} else if (process.env["CI"] !== undefined) {
  it("Qwen2Model on webgpu needs a WebGPU adapter in CI", () => {
    throw new Error(`CI is set but WebGPU is unavailable: ${gpu}`)
  })
} else {
  describe.skip(`Qwen2Model on webgpu (skipped: ${gpu})`, () => {
    it("needs a WebGPU adapter", () => {})
  })
}
