import { describe, expect, it } from "vitest"
import {
  decodeQwen2Config,
  loadSnapshot,
  memorySnapshotReader,
  qwen2ParameterSpecs,
  qwen2SnapshotFiles,
  randomQwen2Weights,
  readQwen2Weights,
  serializeSafetensors
} from "../src/index.ts"
import { snapshotReaderNode } from "../src/node/index.ts"
import { fileRejectionOf } from "./support/errors.ts"
import { CHECKPOINTS, fixturePath } from "./support/fixtures.ts"

describe("HF snapshots", () => {
  it.each(CHECKPOINTS)("loads every Qwen2 weight of %s with the right shape", async (name) => {
    const snap = await loadSnapshot(snapshotReaderNode(fixturePath(name)))
    const weights = readQwen2Weights(snap.config, snap.tensors)
    const specs = qwen2ParameterSpecs(snap.config)
    expect(weights.size).toBe(specs.length)
    // The PyTorch script writes exactly the HF parameter list, no more.
    expect([...snap.tensors.names].sort()).toEqual(specs.map((s) => s.name).sort())
    for (const s of specs) expect(weights.get(s.name)!.data.length).toBe(s.shape.reduce((a, b) => a * b, 1))
    // Norm weights were drawn as 1 + N(0, 0.2): a broken dtype conversion would not land there.
    const norm = weights.get("model.norm.weight")!.data
    const mean = norm.reduce((a, b) => a + b, 0) / norm.length
    expect(Math.abs(mean - 1)).toBeLessThan(0.15)
  })

  it("writes snapshots that load back bit-exactly (F32) and as rounded values (BF16)", async () => {
    const config = decodeQwen2Config({
      hidden_size: 16,
      intermediate_size: 24,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      num_key_value_heads: 1,
      rms_norm_eps: 1e-6,
      vocab_size: 20,
      max_position_embeddings: 32,
      tie_word_embeddings: true
    })
    const weights = randomQwen2Weights(config, 7)
    const snap = await loadSnapshot(memorySnapshotReader(qwen2SnapshotFiles(config, weights, "F32")))
    expect(snap.config).toEqual(config)
    const back = readQwen2Weights(snap.config, snap.tensors)
    for (const [name, t] of weights) expect(back.get(name)!.data).toEqual(t.data)
    const snap16 = await loadSnapshot(memorySnapshotReader(qwen2SnapshotFiles(config, weights, "BF16")))
    const back16 = readQwen2Weights(snap16.config, snap16.tensors)
    const w = weights.get("model.embed_tokens.weight")!.data
    const r = back16.get("model.embed_tokens.weight")!.data
    // bf16 keeps 8 significant bits: relative error at most 2^-8.
    for (let i = 0; i < w.length; i++) expect(Math.abs(r[i]! - w[i]!)).toBeLessThanOrEqual(Math.abs(w[i]!) * 2 ** -8)
  })

  it("rejects weights the config does not use (a config with fewer layers than the checkpoint)", async () => {
    const shape = { hidden_size: 16, intermediate_size: 24, num_attention_heads: 2, num_key_value_heads: 1, rms_norm_eps: 1e-6, vocab_size: 20, max_position_embeddings: 32, tie_word_embeddings: true }
    const three = decodeQwen2Config({ ...shape, num_hidden_layers: 3 })
    const one = decodeQwen2Config({ ...shape, num_hidden_layers: 1 })
    const files = new Map(qwen2SnapshotFiles(three, randomQwen2Weights(three, 3), "F32"))
    files.set("config.json", qwen2SnapshotFiles(one, randomQwen2Weights(one, 1), "F32").get("config.json")!)
    const snap = await loadSnapshot(memorySnapshotReader(files, "snap"))
    expect(() => readQwen2Weights(snap.config, snap.tensors)).toThrow(
      /^snap\/model\.safetensors: 24 tensor\(s\) not used by the config \(1 layers, tied embeddings\): model\.layers\.1\./
    )
    // The same checkpoint under its own config loads.
    files.set("config.json", qwen2SnapshotFiles(three, randomQwen2Weights(three, 3), "F32").get("config.json")!)
    expect(readQwen2Weights(three, (await loadSnapshot(memorySnapshotReader(files, "snap"))).tensors).size).toBe(qwen2ParameterSpecs(three).length)
  })

  it("writes sharded snapshots with an index that load back", async () => {
    const config = decodeQwen2Config({
      hidden_size: 16, intermediate_size: 24, num_hidden_layers: 3, num_attention_heads: 2, num_key_value_heads: 1,
      rms_norm_eps: 1e-6, vocab_size: 20, max_position_embeddings: 32, tie_word_embeddings: false
    })
    const weights = randomQwen2Weights(config, 3)
    const files = qwen2SnapshotFiles(config, weights, "F16", { maxShardBytes: 3000 })
    const shards = [...files.keys()].filter((n) => n.endsWith(".safetensors"))
    expect(shards.length).toBeGreaterThan(2)
    expect(shards[0]).toBe(`model-00001-of-${String(shards.length).padStart(5, "0")}.safetensors`)
    for (const s of shards) expect((files.get(s) as Uint8Array).byteLength).toBeLessThan(3000 + 2048)
    const snap = await loadSnapshot(memorySnapshotReader(files))
    expect(snap.config.torchDtype).toBe("float16")
    const back = readQwen2Weights(snap.config, snap.tensors)
    const w = weights.get("lm_head.weight")!.data
    back.get("lm_head.weight")!.data.forEach((v, i) => expect(Math.abs(v - w[i]!)).toBeLessThanOrEqual(Math.abs(w[i]!) * 2 ** -11 + 2 ** -25))
  })

  it("names the file at fault for missing files, shards and tensors", async () => {
    expect((await fileRejectionOf(loadSnapshot(snapshotReaderNode("/nonexistent-snap")))).message).toMatch(
      /nonexistent-snap\/config\.json: file not found/
    )
    const config = '{"hidden_size":4,"intermediate_size":4,"num_hidden_layers":1,"num_attention_heads":1,' +
      '"rms_norm_eps":1e-6,"vocab_size":4,"max_position_embeddings":8}'
    const noWeights = memorySnapshotReader(new Map([["config.json", config]]), "snap")
    expect((await fileRejectionOf(loadSnapshot(noWeights))).message).toMatch(/snap\/model\.safetensors: file not found/)
    const index = JSON.stringify({ weight_map: { a: "s1.safetensors", b: "s2.safetensors" } })
    const shard = serializeSafetensors([{ name: "a", shape: [1], data: Float32Array.of(1) }])
    const missingShard = memorySnapshotReader(
      new Map<string, string | Uint8Array>([["config.json", config], ["model.safetensors.index.json", index], ["s1.safetensors", shard]]),
      "snap"
    )
    expect((await fileRejectionOf(loadSnapshot(missingShard))).message).toMatch(/snap\/s2\.safetensors: shard listed/)
    const missingTensor = memorySnapshotReader(
      new Map<string, string | Uint8Array>([
        ["config.json", config],
        ["model.safetensors.index.json", index],
        ["s1.safetensors", shard],
        ["s2.safetensors", shard]
      ]),
      "snap"
    )
    expect((await fileRejectionOf(loadSnapshot(missingTensor))).message).toMatch(/tensor a also appears in snap\/s1\.safetensors/)
    const snap = await loadSnapshot(
      memorySnapshotReader(new Map<string, string | Uint8Array>([["config.json", config], ["model.safetensors", shard]]), "snap")
    )
    expect(() => readQwen2Weights(snap.config, snap.tensors)).toThrow(/^snap\/model\.safetensors: missing tensor model\.embed_tokens\.weight/)
  })
})
