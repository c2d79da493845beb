import { layerCpu, makeCpuBackend, TensorBackend } from "@sapphire-rl/tensor"
import { Effect } from "effect"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { drgTinyTokenizerFiles, ModelFileError } from "../src/index.ts"
import {
  acquireQwen2Node,
  loadQwen2Node,
  loadTokenizerEffectNode,
  loadTokenizerNode,
  readLoraAdapterNode,
  readQwen2SnapshotNode,
  saveLoraNode,
  saveQwen2Node,
  writeSnapshotFilesNode
} from "../src/node/index.ts"
import { fileRejectionOf } from "./support/errors.ts"
import { fixtureJson, fixturePath } from "./support/fixtures.ts"
import type { ExpectedOutputs } from "./support/fixtures.ts"
import { logitsOf, relError } from "./support/models.ts"

describe("Node loading and saving", () => {
  const backend = makeCpuBackend()
  const dir = mkdtempSync(join(tmpdir(), "sapphire-model-node-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("loads a snapshot with a PEFT adapter directory, saves both and reloads them unchanged", async () => {
    const model = await loadQwen2Node(fixturePath("qwen2-f32-tied"), { backend, adapterDir: fixturePath("qwen2-f32-tied-lora") })
    const want = fixtureJson<ExpectedOutputs>("qwen2-f32-tied-lora/expected.json").sequences[0]!
    const logits = async (m: typeof model) => (await logitsOf(m, [want.ids])).host
    const before = await logits(model)
    expect(relError(before, want.logits)).toBeLessThan(1e-4)
    await saveQwen2Node(model, join(dir, "base"), "F32", drgTinyTokenizerFiles())
    await saveLoraNode(model, join(dir, "adapter"), "qwen2-f32-tied")
    const again = await loadQwen2Node(join(dir, "base"), { backend, adapterDir: join(dir, "adapter") })
    expect(await logits(again)).toEqual(before)
    const adapter = await readLoraAdapterNode(join(dir, "adapter"), again.config)
    expect(adapter.config).toEqual(model.lora!.config)
    expect((await loadTokenizerNode(join(dir, "base"))).vocabSize).toBe(1024)
    model.dispose()
    again.dispose()
    expect(backend.memory().liveBuffers).toBe(0)
  })

  it("names missing adapter and tokenizer files", async () => {
    await writeSnapshotFilesNode(join(dir, "empty"), new Map([["README", "x"]]))
    await expect(loadTokenizerNode(join(dir, "empty"))).rejects.toThrow(/empty\/tokenizer\.json: file not found/)
    const { config } = await readQwen2SnapshotNode(fixturePath("qwen2-f32-tied"))
    await expect(readLoraAdapterNode(join(dir, "empty"), config)).rejects.toBeInstanceOf(ModelFileError)
    await expect(readLoraAdapterNode(join(dir, "empty"), config)).rejects.toThrow(/empty\/adapter_config\.json: file not found/)
  })

  it("reports a file that exists but cannot be read as such, naming it (not as missing, not untyped)", async () => {
    // A directory where a file belongs: reading it fails with EISDIR.
    const odd = join(dir, "odd")
    mkdirSync(join(odd, "tokenizer.json"), { recursive: true })
    mkdirSync(join(odd, "adapter_model.safetensors"), { recursive: true })
    writeFileSync(join(odd, "adapter_config.json"), readFileSync(fixturePath("qwen2-f32-tied-lora/adapter_config.json")))
    const tokError = await fileRejectionOf(loadTokenizerNode(odd))
    expect(tokError.message).toMatch(/odd\/tokenizer\.json: cannot read/)
    const { config } = await readQwen2SnapshotNode(fixturePath("qwen2-f32-tied"))
    const adapterError = await fileRejectionOf(readLoraAdapterNode(odd, config))
    expect(adapterError.message).toMatch(/odd\/adapter_model\.safetensors: cannot read/)
    expect(adapterError.message).not.toMatch(/not found/)
  })
})

describe("Effect loading", () => {
  it("acquires a model on the context's backend, frees it with the scope, and types file errors", async () => {
    const program = Effect.gen(function*() {
      const backend = yield* TensorBackend
      const live = yield* Effect.scoped(
        Effect.gen(function*() {
          const model = yield* acquireQwen2Node(fixturePath("qwen2-f32-tied"))
          expect(model.backend).toBe(backend)
          return backend.memory().liveBuffers
        })
      )
      const after = backend.memory().liveBuffers
      const error = yield* Effect.flip(Effect.scoped(acquireQwen2Node("/nonexistent-model-dir")))
      const tokError = yield* Effect.flip(loadTokenizerEffectNode("/nonexistent-model-dir"))
      return { live, after, error, tokError }
    })
    const r = await Effect.runPromise(program.pipe(Effect.provide(layerCpu)))
    expect(r.live).toBeGreaterThan(0)
    expect(r.after).toBe(0)
    expect(r.error).toBeInstanceOf(ModelFileError)
    expect(r.error.message).toMatch(/nonexistent-model-dir\/config\.json: file not found/)
    expect(r.tokError._tag).toBe("ModelFileError")
  })
})
