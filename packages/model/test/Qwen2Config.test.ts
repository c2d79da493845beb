import { describe, expect, it } from "vitest"
import { decodeQwen2Config, formatQwen2Config, parameterCount, parseQwen2Config } from "../src/index.ts"
import { fileErrorOf } from "./support/errors.ts"
import { fixtureJson } from "./support/fixtures.ts"

const base = {
  hidden_size: 64,
  intermediate_size: 96,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
  rope_theta: 1e6,
  vocab_size: 128,
  tie_word_embeddings: false,
  max_position_embeddings: 256,
  torch_dtype: "bfloat16",
  bos_token_id: 1,
  eos_token_id: [2, 3]
}

describe("Qwen2 config.json", () => {
  it("decodes the reference fixture written by the PyTorch script", () => {
    const c = decodeQwen2Config(fixtureJson("qwen2-bf16-untied/config.json"))
    expect(c).toMatchObject({
      hiddenSize: 64,
      numKeyValueHeads: 2,
      headDim: 16,
      torchDtype: "bfloat16",
      tieWordEmbeddings: false,
      ropeTheta: 1000000,
      eosTokenIds: [2]
    })
  })

  it("round-trips through formatQwen2Config", () => {
    const c = decodeQwen2Config(base)
    expect(parseQwen2Config(formatQwen2Config(c))).toEqual(c)
  })

  it("fills HF defaults: kv heads = attention heads, rope_theta 10000, untied", () => {
    const { num_key_value_heads: _k, rope_theta: _r, tie_word_embeddings: _t, ...rest } = base
    const c = decodeQwen2Config(rest)
    expect(c.numKeyValueHeads).toBe(4)
    expect(c.ropeTheta).toBe(10000)
    expect(c.tieWordEmbeddings).toBe(false)
  })

  it("names the file and every bad field", () => {
    const e = fileErrorOf(() => decodeQwen2Config({ ...base, hidden_size: -1, rope_theta: "big" }, "snap/config.json"))
    expect(e.file).toBe("snap/config.json")
    expect(e.message).toContain("snap/config.json")
    expect(e.message).toContain("hidden_size")
    expect(e.message).toContain("rope_theta")
  })

  it("rejects missing fields, inconsistent head counts, bad JSON and unsupported features", () => {
    const { vocab_size: _v, ...noVocab } = base
    expect(fileErrorOf(() => decodeQwen2Config(noVocab)).message).toContain("vocab_size")
    expect(fileErrorOf(() => decodeQwen2Config({ ...base, num_key_value_heads: 3 })).message).toContain("num_key_value_heads")
    expect(fileErrorOf(() => decodeQwen2Config({ ...base, num_attention_heads: 5 })).message).toContain("divisible")
    expect(fileErrorOf(() => decodeQwen2Config({ ...base, rope_scaling: { type: "yarn" } })).message).toContain("rope_scaling")
    expect(fileErrorOf(() => decodeQwen2Config({ ...base, model_type: "llama" })).message).toContain("model_type")
    expect(fileErrorOf(() => parseQwen2Config("{", "x/config.json")).message).toMatch(/^x\/config\.json: not valid JSON/)
  })

  it("counts parameters as the weight list does", () => {
    const c = decodeQwen2Config(base)
    // embed + lm_head + per layer (q,k,v,o with biases on q,k,v; mlp; two norms) + final norm
    const layer = 64 * 64 + 64 + 2 * (64 * 32 + 32) + 64 * 64 + 3 * 64 * 96 + 2 * 64
    expect(parameterCount(c)).toBe(2 * 128 * 64 + 2 * layer + 64)
  })
})
