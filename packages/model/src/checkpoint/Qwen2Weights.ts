/**
 * The parameter names and shapes of HF `Qwen2ForCausalLM`, a seeded random
 * initialisation (as HF's `_init_weights`: normal(0, 0.02), norms at 1, biases at 0), and
 * conversion to and from snapshot files.
 *
 * @since 0.1.0
 */
import { numel } from "@sapphire-rl/tensor"
import type { Qwen2Config } from "../config/Qwen2Config.ts"
import { formatQwen2Config } from "../config/Qwen2Config.ts"
import type { HostTensor, SafetensorsDtype } from "../safetensors/Safetensors.ts"
import { serializeSafetensors } from "../safetensors/Safetensors.ts"
import { modelFileError } from "../ModelFileError.ts"
import type { TensorStore } from "./Snapshot.ts"

/**
 * One parameter's HF name and shape.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParameterSpec {
  readonly name: string
  readonly shape: ReadonlyArray<number>
  readonly init: "normal" | "ones" | "zeros"
}

/**
 * Every parameter of a Qwen2 checkpoint in HF order. A tied model has no `lm_head.weight`.
 *
 * @since 0.1.0
 * @category getters
 */
export const qwen2ParameterSpecs = (c: Qwen2Config): ReadonlyArray<ParameterSpec> => {
  const H = c.hiddenSize
  const kv = c.numKeyValueHeads * c.headDim
  const out: Array<ParameterSpec> = [{ name: "model.embed_tokens.weight", shape: [c.vocabSize, H], init: "normal" }]
  for (let l = 0; l < c.numHiddenLayers; l++) {
    const p = `model.layers.${l}.`
    out.push(
      { name: `${p}input_layernorm.weight`, shape: [H], init: "ones" },
      { name: `${p}self_attn.q_proj.weight`, shape: [H, H], init: "normal" },
      { name: `${p}self_attn.q_proj.bias`, shape: [H], init: "zeros" },
      { name: `${p}self_attn.k_proj.weight`, shape: [kv, H], init: "normal" },
      { name: `${p}self_attn.k_proj.bias`, shape: [kv], init: "zeros" },
      { name: `${p}self_attn.v_proj.weight`, shape: [kv, H], init: "normal" },
      { name: `${p}self_attn.v_proj.bias`, shape: [kv], init: "zeros" },
      { name: `${p}self_attn.o_proj.weight`, shape: [H, H], init: "normal" },
      { name: `${p}post_attention_layernorm.weight`, shape: [H], init: "ones" },
      { name: `${p}mlp.gate_proj.weight`, shape: [c.intermediateSize, H], init: "normal" },
      { name: `${p}mlp.up_proj.weight`, shape: [c.intermediateSize, H], init: "normal" },
      { name: `${p}mlp.down_proj.weight`, shape: [H, c.intermediateSize], init: "normal" }
    )
  }
  out.push({ name: "model.norm.weight", shape: [H], init: "ones" })
  if (!c.tieWordEmbeddings) out.push({ name: "lm_head.weight", shape: [c.vocabSize, H], init: "normal" })
  return out
}

/**
 * Number of parameters of the base model (embedding, layers, final norm, untied head),
 * summed over the parameter list.
 *
 * @since 0.1.0
 * @category getters
 */
export const parameterCount = (c: Qwen2Config): number =>
  qwen2ParameterSpecs(c).reduce((n, spec) => n + numel(spec.shape), 0)

/**
 * Qwen2 weights on the host, by HF name.
 *
 * @since 0.1.0
 * @category models
 */
export type Qwen2HostWeights = ReadonlyMap<string, HostTensor>

/**
 * Reads every Qwen2 parameter from a store, checking shapes, and rejects a checkpoint that
 * holds tensors the config does not use (say, 24 layers of weights under a config of 4):
 * silently dropping them would run a different model than the one saved. A tied checkpoint
 * that nevertheless carries `lm_head.weight` is accepted (HF ignores it too).
 *
 * @since 0.1.0
 * @category loading
 */
export const readQwen2Weights = (c: Qwen2Config, store: TensorStore): Qwen2HostWeights => {
  const specs = qwen2ParameterSpecs(c)
  const out = new Map<string, HostTensor>()
  for (const spec of specs) out.set(spec.name, store.get(spec.name, spec.shape))
  const used = new Set(specs.map((spec) => spec.name))
  if (c.tieWordEmbeddings) used.add("lm_head.weight")
  const unused = store.names.filter((name) => !used.has(name))
  if (unused.length > 0) {
    const file = store.fileOf?.(unused[0]!) ?? "checkpoint"
    const shown = unused.slice(0, 5).join(", ") + (unused.length > 5 ? `, … (${unused.length} in all)` : "")
    throw modelFileError(
      file,
      `${unused.length} tensor(s) not used by the config (${c.numHiddenLayers} layers, ` +
        `${c.tieWordEmbeddings ? "tied" : "untied"} embeddings): ${shown}; does config.json match these weights?`
    )
  }
  return out
}

/**
 * A small deterministic generator (mulberry32 + Box-Muller) for initialisation; not the
 * sampler's RNG.
 *
 * @since 0.1.0
 * @category constructors
 */
export const seededNormal = (seed: number): (() => number) => {
  let s = seed >>> 0
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return () => {
    const u = Math.max(uniform(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform())
  }
}

/**
 * Random weights as HF initialises a fresh model (std 0.02 by default).
 *
 * @since 0.1.0
 * @category constructors
 */
export const randomQwen2Weights = (c: Qwen2Config, seed: number, std = 0.02): Qwen2HostWeights => {
  const normal = seededNormal(seed)
  const out = new Map<string, HostTensor>()
  for (const spec of qwen2ParameterSpecs(c)) {
    const n = numel(spec.shape)
    const data = new Float32Array(n)
    if (spec.init === "ones") data.fill(1)
    else if (spec.init === "normal") for (let i = 0; i < n; i++) data[i] = normal() * std
    out.set(spec.name, { shape: spec.shape, data })
  }
  return out
}

/**
 * The files of an HF snapshot for weights stored in `dtype`: `config.json` (its
 * torch_dtype set to match) and `model.safetensors`, or shards of at most
 * `maxShardBytes` with `model.safetensors.index.json`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const qwen2SnapshotFiles = (
  c: Qwen2Config,
  weights: Qwen2HostWeights,
  dtype: SafetensorsDtype = "F32",
  options: { readonly maxShardBytes?: number } = {}
): ReadonlyMap<string, Uint8Array | string> => {
  const bytesPer = dtype === "F32" ? 4 : 2
  const tensors = qwen2ParameterSpecs(c).map((spec) => {
    const t = weights.get(spec.name)
    if (t === undefined) throw new RangeError(`missing weight ${spec.name}`)
    return { name: spec.name, shape: spec.shape, data: t.data, dtype }
  })
  const config = formatQwen2Config({ ...c, torchDtype: dtype === "F32" ? "float32" : dtype === "F16" ? "float16" : "bfloat16" })
  const limit = options.maxShardBytes ?? Infinity
  // Greedy packing in parameter order, as transformers' save_pretrained does.
  const shards: Array<Array<(typeof tensors)[number]>> = [[]]
  let size = 0
  let total = 0
  for (const t of tensors) {
    const bytes = t.data.length * bytesPer
    total += bytes
    if (size > 0 && size + bytes > limit) {
      shards.push([])
      size = 0
    }
    shards[shards.length - 1]!.push(t)
    size += bytes
  }
  if (shards.length === 1) {
    return new Map<string, Uint8Array | string>([
      ["config.json", config],
      ["model.safetensors", serializeSafetensors(tensors, { format: "pt" })]
    ])
  }
  const files = new Map<string, Uint8Array | string>([["config.json", config]])
  const weightMap: Record<string, string> = {}
  const pad = (n: number) => String(n).padStart(5, "0")
  shards.forEach((shard, i) => {
    const name = `model-${pad(i + 1)}-of-${pad(shards.length)}.safetensors`
    files.set(name, serializeSafetensors(shard, { format: "pt" }))
    for (const t of shard) weightMap[t.name] = name
  })
  files.set("model.safetensors.index.json", `${JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2)}\n`)
  return files
}
