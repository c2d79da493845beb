import { readLoraAdapterNode, readQwen2SnapshotNode } from "@sapphire-rl/model/node"
import { initLoraModules, type LoraConfig, Qwen2Model, randomQwen2Weights, seededNormal, TINY_TEST_CONFIG } from "@sapphire-rl/model"
import { makeCpuBackend } from "@sapphire-rl/tensor"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { generate } from "@sapphire-rl/engine"
import { type AdvantagePlugin, definePlugin, type LossPlugin } from "@sapphire-rl/spec"
import { grpoStep, makeOptimizer, sftStep } from "../src/index.ts"
import { type CheckpointSaveStage, cleanCheckpointTempsNode, latestCheckpointNode, loadCheckpointNode, saveCheckpointNode } from "../src/node/index.ts"

const backend = makeCpuBackend()
const lora: LoraConfig = { rank: 2, alpha: 4, targets: ["q_proj", "v_proj"], useRslora: false, layers: null, dropout: 0 }
const loraModel = (seed: number) =>
  new Qwen2Model(TINY_TEST_CONFIG, randomQwen2Weights(TINY_TEST_CONFIG, 1, 0.1), {
    backend,
    trainable: "lora",
    lora: { config: lora, modules: initLoraModules(TINY_TEST_CONFIG, lora, seededNormal(seed)) }
  })
const roots: Array<string> = []
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })))
const examples = [{ ids: [1, 4, 9, 12, 3], start: 3 }, { ids: [2, 7, 5], start: 2 }]

describe("saveCheckpointNode / loadCheckpointNode", () => {
  it("round-trips a LoRA policy's adapters and AdamW state bit for bit, in the PEFT layout", async () => {
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const a = loraModel(2)
    const optA = makeOptimizer(a.parameters().map(([, t]) => t))
    for (let i = 0; i < 2; i++) await sftStep(a, optA, examples, { lr: 1e-2, maxTokens: 16 })
    const dir = await saveCheckpointNode(root, a, optA, { step: 2, cursor: 4, rng: { loop: [9, 8] }, config: { seed: 3 } })
    expect(existsSync(join(dir, "adapter_model.safetensors"))).toBe(true)
    expect(existsSync(join(dir, "adapter_config.json"))).toBe(true)

    // A different start (other LoRA init, fresh moments) restored from the checkpoint …
    const b = loraModel(5)
    const optB = makeOptimizer(b.parameters().map(([, t]) => t))
    const loop = await loadCheckpointNode((await latestCheckpointNode(root))!, b, optB)
    expect(loop).toEqual({ step: 2, cursor: 4, rng: { loop: [9, 8] }, config: { seed: 3 } })
    expect(optB.steps()).toBe(2)
    // … takes exactly the same next step.
    const ra = await sftStep(a, optA, examples, { lr: 1e-2, maxTokens: 16 })
    const rb = await sftStep(b, optB, examples, { lr: 1e-2, maxTokens: 16 })
    expect(rb.loss).toBe(ra.loss)
    expect(rb.gradNorm).toBe(ra.gradNorm)
    const pa = await Promise.all(a.parameters().map(([, t]) => t.toArray()))
    const pb = await Promise.all(b.parameters().map(([, t]) => t.toArray()))
    expect(pb).toEqual(pa)
    a.dispose(), b.dispose(), optA.dispose(), optB.dispose()
  })

  it("a save that died half-way leaves the last good checkpoint in force; its temp directory is cleaned", async () => {
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const a = loraModel(2)
    const opt = makeOptimizer(a.parameters().map(([, t]) => t))
    await saveCheckpointNode(root, a, opt, { step: 1, cursor: 1, rng: {} })
    // What a crash during the save of step 2 leaves: a temp dir with a truncated file.
    mkdirSync(join(root, ".step-000002.tmp-4242"))
    writeFileSync(join(root, ".step-000002.tmp-4242", "trainer_state.safetensors"), "\x10\x00")
    writeFileSync(join(root, ".latest.json.tmp-4242"), "{\"dir\":")
    expect(await latestCheckpointNode(root)).toBe(join(root, "step-000001"))
    expect((await loadCheckpointNode(join(root, "step-000001"), a, opt)).step).toBe(1)
    expect(await cleanCheckpointTempsNode(root)).toBe(2)
    expect(await latestCheckpointNode(root)).toBe(join(root, "step-000001"))
    a.dispose(), opt.dispose()
  })

  it("a checkpoint of another model is refused before anything is written", async () => {
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const a = loraModel(2)
    const opt = makeOptimizer(a.parameters().map(([, t]) => t))
    const dir = await saveCheckpointNode(root, a, opt, { step: 1, cursor: 1, rng: {} })
    const full = new Qwen2Model(TINY_TEST_CONFIG, randomQwen2Weights(TINY_TEST_CONFIG, 1, 0.1), { backend, trainable: "base" })
    const optFull = makeOptimizer(full.parameters().map(([, t]) => t))
    const before = await full.parameters()[0]![1].toArray()
    await expect(loadCheckpointNode(dir, full, optFull)).rejects.toThrow(/trainer_state.safetensors: missing tensor param\/model.embed_tokens.weight/)
    expect(await full.parameters()[0]![1].toArray()).toEqual(before)
    a.dispose(), full.dispose(), opt.dispose(), optFull.dispose()
  })

  const params = (m: Qwen2Model) => Promise.all(m.parameters().map(([, t]) => t.toArray()))
  const crashAt = (stage: CheckpointSaveStage) => ({
    onProgress: (s: CheckpointSaveStage) => {
      if (s === stage) throw new Error(`simulated crash at ${s}`)
    }
  })

  for (const stage of ["weights", "trainer-state", "renamed"] as const) {
    it(`a save that fails after "${stage}" leaves the previous checkpoint in force and intact; the next save succeeds`, async () => {
      const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
      roots.push(root)
      const a = loraModel(2)
      const opt = makeOptimizer(a.parameters().map(([, t]) => t))
      await sftStep(a, opt, examples, { lr: 1e-2, maxTokens: 16 })
      const good = await saveCheckpointNode(root, a, opt, { phase: "sft", step: 1, cursor: 1, rng: {} })
      const atGood = await params(a)
      await sftStep(a, opt, examples, { lr: 1e-2, maxTokens: 16 })
      await expect(saveCheckpointNode(root, a, opt, { phase: "sft", step: 2, cursor: 2, rng: {} }, crashAt(stage))).rejects.toThrow(`simulated crash at ${stage}`)
      expect(await latestCheckpointNode(root)).toBe(good)
      // The checkpoint still loads and holds step 1's values, not step 2's.
      const b = loraModel(5)
      const optB = makeOptimizer(b.parameters().map(([, t]) => t))
      expect((await loadCheckpointNode((await latestCheckpointNode(root))!, b, optB)).step).toBe(1)
      expect(optB.steps()).toBe(1)
      expect(await params(b)).toEqual(atGood)
      // A retry in the same process (same temp name, maybe a leftover final dir) completes.
      const next = await saveCheckpointNode(root, a, opt, { phase: "sft", step: 2, cursor: 2, rng: {} })
      expect(await latestCheckpointNode(root)).toBe(next)
      expect((await loadCheckpointNode(next, b, optB)).step).toBe(2)
      expect(await params(b)).toEqual(await params(a))
      expect(readdirSync(root).filter((e) => e.includes(".tmp-"))).toEqual([])
      a.dispose(), b.dispose(), opt.dispose(), optB.dispose()
    })
  }

  it("a second save of the same phase and step never touches the directory latest.json names; phases do not share directories", async () => {
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const a = loraModel(2)
    const opt = makeOptimizer(a.parameters().map(([, t]) => t))
    const sft3 = await saveCheckpointNode(root, a, opt, { phase: "sft", step: 3, cursor: 3, rng: {} })
    const grpo3 = await saveCheckpointNode(root, a, opt, { phase: "grpo", step: 3, cursor: 1, rng: {} })
    expect(grpo3).not.toBe(sft3)
    expect((await loadCheckpointNode(sft3, a, opt)).phase).toBe("sft")
    // A stop right after the periodic checkpoint saves grpo step 3 again and dies before latest.json.
    await expect(saveCheckpointNode(root, a, opt, { phase: "grpo", step: 3, cursor: 2, rng: {} }, crashAt("renamed"))).rejects.toThrow()
    expect(await latestCheckpointNode(root)).toBe(grpo3)
    expect((await loadCheckpointNode(grpo3, a, opt)).cursor).toBe(1)
    const again = await saveCheckpointNode(root, a, opt, { phase: "grpo", step: 3, cursor: 2, rng: {} })
    expect(again).toBe(join(root, "grpo-000003.1"))
    expect(await latestCheckpointNode(root)).toBe(again)
    expect((await loadCheckpointNode(again, a, opt)).cursor).toBe(2)
    a.dispose(), opt.dispose()
  })

  it("latest.json naming a removed checkpoint is a clear error", async () => {
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const a = loraModel(2)
    const opt = makeOptimizer(a.parameters().map(([, t]) => t))
    const dir = await saveCheckpointNode(root, a, opt, { step: 1, cursor: 1, rng: {} })
    rmSync(dir, { recursive: true })
    await expect(latestCheckpointNode(root)).rejects.toThrow(/latest.json names .*step-000001, which holds no trainer_state.json/)
    a.dispose(), opt.dispose()
  })

  it("keep: N removes the oldest checkpoints once latest.json has moved past them, and nothing else", async () => {
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const a = loraModel(2)
    const opt = makeOptimizer(a.parameters().map(([, t]) => t))
    mkdirSync(join(root, "notes")) // not a checkpoint of this writer: left alone
    for (const step of [1, 2]) await saveCheckpointNode(root, a, opt, { phase: "sft", step, cursor: step, rng: {} }, { keep: 2 })
    // A save that dies before the pointer moves removes nothing.
    await expect(saveCheckpointNode(root, a, opt, { phase: "grpo", step: 1, cursor: 1, rng: {} }, { keep: 2, ...crashAt("renamed") })).rejects.toThrow()
    expect(readdirSync(root).filter((e) => e.startsWith("sft-")).sort()).toEqual(["sft-000001", "sft-000002"])
    for (const step of [1, 2]) await saveCheckpointNode(root, a, opt, { phase: "grpo", step, cursor: step, rng: {} }, { keep: 2 })
    expect(readdirSync(root).filter((e) => !e.startsWith(".") && e !== "latest.json").sort()).toEqual(["grpo-000001", "grpo-000002", "notes"])
    expect(await latestCheckpointNode(root)).toBe(join(root, "grpo-000002"))
    await expect(saveCheckpointNode(root, a, opt, { step: 9, cursor: 9, rng: {} }, { keep: 0 })).rejects.toThrow(/keep must be an integer >= 1, got 0/)
    a.dispose(), opt.dispose()
  })

  it("a GRPO continuation from a checkpoint (fresh model and optimizer, in process) gives the same rollouts and losses", async () => {
    const advantage: AdvantagePlugin = definePlugin({
      name: "centered", version: "0.0.0", kind: "advantage", specRange: "^2.0.0",
      advantages: (groups) => groups.map((g) => g.map((r) => r - g.reduce((s, x) => s + x, 0) / g.length))
    })
    const loss: LossPlugin = definePlugin({
      name: "token-mean", version: "0.0.0", kind: "loss", specRange: "^2.0.0",
      sequenceWeights: ({ lengths, batchLengths }) => lengths.map(() => 1 / Math.max(1, batchLengths.reduce((s, l) => s + l, 0)))
    })
    const detokenizer = { decode: (ids: ReadonlyArray<number>) => ids.map(String).join(" ") }
    // One GRPO step with a fixed sampling seed; reward: the first completion token is even.
    const step = async (m: Qwen2Model, opt: ReturnType<typeof makeOptimizer>, seed: number) => {
      const prompts = [[1, 4], [2, 7]]
      const results = await generate(m, detokenizer, prompts.map((prompt) => ({ prompt, params: { n: 4, temperature: 1, maxNewTokens: 3, seed } })))
      const groups = results.map((res, i) => ({
        prompt: prompts[i]!,
        completions: res.completions.map((c) => ({ ids: c.ids, logprobs: c.logprobs, finishReason: c.finishReason === "length" ? "length" as const : "stop" as const })),
        rewards: res.completions.map((c) => (c.ids[0]! % 2 === 0 ? 1 : 0))
      }))
      const r = await grpoStep(m, opt, groups, {
        advantage, loss, beta: 0, estimator: "k3", lr: 5e-2, iterations: 2, clip: { low: 0.2, high: 0.2 },
        maxCompletionLength: 3, maskTruncated: false, maxTokens: 64
      })
      return { rollouts: groups.map((g) => g.completions.map((c) => c.ids)), loss: r.loss, gradNorm: r.grad_norm }
    }
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const a = loraModel(2)
    const optA = makeOptimizer(a.parameters().map(([, t]) => t))
    await step(a, optA, 11)
    await step(a, optA, 12)
    await saveCheckpointNode(root, a, optA, { phase: "grpo", step: 2, cursor: 2, rng: { sampler: [13] } })
    const b = loraModel(5)
    const optB = makeOptimizer(b.parameters().map(([, t]) => t))
    const loop = await loadCheckpointNode((await latestCheckpointNode(root))!, b, optB)
    for (let k = 0; k < 2; k++) {
      const seed = loop.rng["sampler"]![0]! + k
      const [ra, rb] = [await step(a, optA, seed), await step(b, optB, seed)]
      expect(rb).toEqual(ra) // exact: same rollouts, same loss and gradient norm
    }
    expect(await params(b)).toEqual(await params(a))
    a.dispose(), b.dispose(), optA.dispose(), optB.dispose()
  })

  it("round-trips full weights and every AdamW moment bit for bit; the weights files reload through the model readers", async () => {
    const root = mkdtempSync(join(tmpdir(), "trainer-ckpt-"))
    roots.push(root)
    const full = (seed: number) => new Qwen2Model(TINY_TEST_CONFIG, randomQwen2Weights(TINY_TEST_CONFIG, seed, 0.1), { backend, trainable: "base" })
    const a = full(1)
    const optA = makeOptimizer(a.parameters().map(([, t]) => t))
    for (let i = 0; i < 2; i++) await sftStep(a, optA, examples, { lr: 1e-2, maxTokens: 16 })
    const dir = await saveCheckpointNode(root, a, optA, { phase: "sft", step: 2, cursor: 2, rng: {} })
    const b = full(9)
    const optB = makeOptimizer(b.parameters().map(([, t]) => t))
    await loadCheckpointNode(dir, b, optB)
    // Compared as uint32 bit patterns (toEqual alone would accept -0 for 0).
    const bits = async (ts: ReadonlyArray<{ toArray: () => Promise<unknown> }>) =>
      (await Promise.all(ts.map((t) => t.toArray()))).map((x) => new Uint32Array(Float32Array.from(x as ArrayLike<number>).buffer))
    const state = (m: Qwen2Model, o: ReturnType<typeof makeOptimizer>) => bits([...m.parameters().map(([, t]) => t), ...o.state.m, ...o.state.v])
    expect(await state(b, optB)).toEqual(await state(a, optA))
    expect(optB.state.step).toBe(optA.state.step)
    // model.safetensors (F32) is the same weights, for evaluation or export.
    const snap = await readQwen2SnapshotNode(dir)
    const host = await a.hostWeights()
    expect(snap.weights).toEqual(host)
    // And a LoRA checkpoint's adapter directory reads back as the live adapters.
    const l = loraModel(3)
    const optL = makeOptimizer(l.parameters().map(([, t]) => t))
    await sftStep(l, optL, examples, { lr: 1e-2, maxTokens: 16 })
    const loraDir = await saveCheckpointNode(root, l, optL, { phase: "grpo", step: 1, cursor: 1, rng: {} })
    const adapter = await readLoraAdapterNode(loraDir, TINY_TEST_CONFIG)
    expect(adapter.modules).toEqual(await l.hostLora())
    a.dispose(), b.dispose(), l.dispose(), optA.dispose(), optB.dispose(), optL.dispose()
  })
})
