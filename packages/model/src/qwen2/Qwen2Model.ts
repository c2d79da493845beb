/**
 * Qwen2 exactly as HF `Qwen2ForCausalLM`, on `@sapphire-rl/tensor`: token embedding;
 * per layer RMSNorm → q/k/v projections (with bias) → rotate-half RoPE → grouped-query
 * causal attention → o_proj (no bias) → residual, RMSNorm → SwiGLU MLP → residual; final
 * RMSNorm; tied or untied lm_head. Optional LoRA adapters on chosen linear layers add
 * scale · (x Aᵀ) Bᵀ to their outputs.
 *
 * The forward records autograd when gradients are enabled (training); the KV-cache
 * decoding path lives in `Qwen2Session.ts`.
 *
 * @since 0.1.0
 */
import type { Backend, Tensor } from "@sapphire-rl/tensor"
import {
  add,
  addRmsnorm,
  attention,
  cast,
  embedding,
  fromArray,
  getDefaultBackend,
  linear,
  logprobGather,
  matmul,
  mul,
  noGrad,
  reshape,
  rmsnorm,
  rope,
  siluMul,
  tidy,
  transpose
} from "@sapphire-rl/tensor"
import type { Qwen2Config } from "../config/Qwen2Config.ts"
import type { Qwen2HostWeights } from "../checkpoint/Qwen2Weights.ts"
import { qwen2ParameterSpecs } from "../checkpoint/Qwen2Weights.ts"
import type { LoraConfig, LoraTarget } from "../lora/LoraConfig.ts"
import { loraScale } from "../lora/LoraConfig.ts"
import type { LoraModule } from "../lora/LoraWeights.ts"
import { loraModulePath, mergeLora, peftKey } from "../lora/LoraWeights.ts"
import type { HostTensor } from "../safetensors/Safetensors.ts"
import type { Qwen2Session, Qwen2SessionOptions } from "./Qwen2Session.ts"
import { openQwen2Session } from "./Qwen2Session.ts"
import type { PromptGroup } from "./SharedPrefix.ts"
import { sharedPrefixLogprobs } from "./SharedPrefix.ts"

/**
 * A LoRA adapter living on the device: A [rank, in] and B [out, rank] per adapted module.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeviceLora {
  readonly config: LoraConfig
  readonly scale: number
  /** By HF module path (`model.layers.0.self_attn.q_proj`). */
  readonly modules: ReadonlyMap<string, { readonly a: Tensor; readonly b: Tensor }>
}

/**
 * Which weights a scoring call uses: the policy (base + LoRA adapters) or the base alone.
 *
 * @since 0.1.0
 * @category models
 */
export type AdapterChoice = "policy" | "base"

/**
 * How to place a model.
 *
 * @since 0.1.0
 * @category models
 */
export interface Qwen2ModelOptions {
  /** Default: the tensor package's default backend. */
  readonly backend?: Backend
  /** Adapters to attach (trainable when `trainable` includes "lora"). */
  readonly lora?: { readonly config: LoraConfig; readonly modules: ReadonlyArray<LoraModule> }
  /** Which tensors are marked requiresGrad: the base weights, the LoRA weights, both or none. Default none. */
  readonly trainable?: "base" | "lora" | "all" | "none"
  /**
   * Storage of the base weights: "f16" halves their memory (kernels read f16 and compute
   * in f32; activations, LoRA weights and the KV cache stay f32). Default "f32".
   */
  readonly weightDtype?: "f32" | "f16"
}

const toDevice = (
  backend: Backend,
  t: HostTensor,
  grad: boolean,
  dtype: "f32" | "f16" = "f32"
): Tensor => fromArray(t.data, [...t.shape], { backend, dtype, requiresGrad: grad }).keep()

/**
 * A Qwen2 model with its weights on a backend.
 *
 * @since 0.1.0
 * @category models
 */
export class Qwen2Model {
  readonly config: Qwen2Config
  readonly backend: Backend
  /** Base weights by HF name (a tied model has no `lm_head.weight`). */
  readonly weights: ReadonlyMap<string, Tensor>
  readonly lora: DeviceLora | null
  /**
   * Whether forward passes apply the LoRA adapters. Turning it off gives the base model
   * without a second copy of the weights (GRPO's reference model when training LoRA).
   */
  loraEnabled = true

  constructor(config: Qwen2Config, weights: Qwen2HostWeights, options: Qwen2ModelOptions = {}) {
    this.config = config
    this.backend = options.backend ?? getDefaultBackend()
    const trainable = options.trainable ?? "none"
    const baseGrad = trainable === "base" || trainable === "all"
    const loraGrad = trainable === "lora" || trainable === "all"
    const uploaded: Array<Tensor> = []
    const upload = (host: HostTensor, grad: boolean, dtype: "f32" | "f16" = "f32") => {
      const t = toDevice(this.backend, host, grad, dtype)
      uploaded.push(t)
      return t
    }
    try {
      const map = new Map<string, Tensor>()
      for (const spec of qwen2ParameterSpecs(config)) {
        const host = weights.get(spec.name)
        if (host === undefined) throw new RangeError(`Qwen2Model: missing weight ${spec.name}`)
        if (host.shape.length !== spec.shape.length || host.shape.some((d, i) => d !== spec.shape[i])) {
          throw new RangeError(`Qwen2Model: weight ${spec.name} has shape [${host.shape.join(", ")}], the config needs [${spec.shape.join(", ")}]`)
        }
        map.set(spec.name, upload(host, baseGrad, options.weightDtype ?? "f32"))
      }
      this.weights = map
      if (options.lora === undefined) this.lora = null
      else {
        const modules = new Map<string, { a: Tensor; b: Tensor }>()
        for (const m of options.lora.modules) modules.set(m.module, { a: upload(m.a, loraGrad), b: upload(m.b, loraGrad) })
        this.lora = { config: options.lora.config, scale: loraScale(options.lora.config), modules }
      }
    } catch (e) {
      // A missing or misshapen weight, or a full device, must not leak what was already uploaded.
      for (const t of uploaded) t.dispose()
      throw e
    }
  }

  /** A base weight by HF name. */
  weight(name: string): Tensor {
    const t = this.weights.get(name)
    if (t === undefined) throw new RangeError(`Qwen2Model: no weight ${name}`)
    return t
  }

  /** The output projection: lm_head, or the embedding when tied. */
  get lmHead(): Tensor {
    return this.config.tieWordEmbeddings ? this.weight("model.embed_tokens.weight") : this.weight("lm_head.weight")
  }

  /** Trainable tensors by name (HF names for base weights, PEFT keys for LoRA). */
  parameters(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = []
    for (const [name, t] of this.weights) if (t.requiresGrad) out.push([name, t])
    if (this.lora !== null) {
      for (const [module, m] of this.lora.modules) {
        if (m.a.requiresGrad) out.push([peftKey(module, "A"), m.a])
        if (m.b.requiresGrad) out.push([peftKey(module, "B"), m.b])
      }
    }
    return out
  }

  /**
   * x [N, in] → x Wᵀ (+ bias) (+ LoRA) for a linear layer of block `layer`.
   */
  linear(x: Tensor, layer: number, target: LoraTarget, bias: boolean): Tensor {
    const module = loraModulePath(layer, target)
    const w = this.weight(`${module}.weight`)
    // The bias goes in with the product (the output starts as the bias rows), not as a second pass.
    let y = linear(x, w, bias ? this.weight(`${module}.bias`) : undefined)
    const adapter = this.loraEnabled ? this.lora?.modules.get(module) : undefined
    if (adapter !== undefined) {
      const down = matmul(x, transpose(adapter.a))
      const up = matmul(down, transpose(adapter.b))
      y = add(y, mul(up, this.lora!.scale))
    }
    return y
  }

  /** Token embeddings of ids (any shape) in f32: the residual stream stays f32 whatever the weight storage. */
  embed(ids: Tensor): Tensor {
    const table = this.weight("model.embed_tokens.weight")
    const e = embedding(table, ids)
    return table.dtype === "f32" ? e : cast(e, "f32")
  }

  /**
   * The SwiGLU MLP of a layer on rows h [N, hidden].
   */
  mlp(h: Tensor, layer: number): Tensor {
    const gate = this.linear(h, layer, "gate_proj", false)
    const up = this.linear(h, layer, "up_proj", false)
    return this.linear(siluMul(gate, up), layer, "down_proj", false)
  }

  /**
   * q, k, v of a layer for hidden rows h [B*T, hidden], rotated at `positions` (i32 [B, T]):
   * q [B, Hq, T, D], k and v [B, Hkv, T, D].
   */
  qkv(h: Tensor, layer: number, batch: number, length: number, positions: Tensor): { q: Tensor; k: Tensor; v: Tensor } {
    const c = this.config
    const heads = (x: Tensor, n: number) => transpose(reshape(x, [batch, length, n, c.headDim]), 1, 2)
    const rows = this.qkvRows(h, layer)
    const q = rope(heads(rows.q, c.numAttentionHeads), positions, c.ropeTheta)
    const k = rope(heads(rows.k, c.numKeyValueHeads), positions, c.ropeTheta)
    const v = heads(rows.v, c.numKeyValueHeads)
    return { q, k, v }
  }

  /**
   * The q, k, v projections of a layer as rows, before heads and RoPE: h [N, hidden] →
   * q [N, Hq·D], k and v [N, Hkv·D].
   */
  qkvRows(h: Tensor, layer: number): { q: Tensor; k: Tensor; v: Tensor } {
    return {
      q: this.linear(h, layer, "q_proj", true),
      k: this.linear(h, layer, "k_proj", true),
      v: this.linear(h, layer, "v_proj", true)
    }
  }

  /**
   * Attention output [B, Hq, T, D] back to rows [B*T, hidden], through o_proj.
   */
  attentionOut(attn: Tensor, layer: number, batch: number, length: number): Tensor {
    return this.linear(this.attentionRows(attn, batch, length), layer, "o_proj", false)
  }

  /** Attention output [B, Hq, T, D] as rows [B*T, hidden] (the input of o_proj). */
  attentionRows(attn: Tensor, batch: number, length: number): Tensor {
    return reshape(transpose(attn, 1, 2), [batch * length, this.config.hiddenSize])
  }

  /**
   * One decoder block on the residual rows x [B*T, hidden]: pre-norm attention, then the
   * pre-norm MLP, each added to x. `attend(q, k, v)` returns [B, Hq, T, D]; it is the one
   * step where the full forward and KV-cache decoding differ (which keys, what is cached).
   */
  block(
    x: Tensor,
    layer: number,
    batch: number,
    length: number,
    positions: Tensor,
    attend: (q: Tensor, k: Tensor, v: Tensor) => Tensor
  ): Tensor {
    const c = this.config
    const p = `model.layers.${layer}.`
    const h = rmsnorm(x, this.weight(`${p}input_layernorm.weight`), c.rmsNormEps)
    const { q, k, v } = this.qkv(h, layer, batch, length, positions)
    // The residual add and the post-attention norm in one kernel (recorded as the add and the norm).
    const attn = this.attentionOut(attend(q, k, v), layer, batch, length)
    const { out: h2, sum: y } = addRmsnorm(x, attn, this.weight(`${p}post_attention_layernorm.weight`), c.rmsNormEps)
    return add(y, this.mlp(h2, layer))
  }

  /** The final RMSNorm on rows [N, hidden]. */
  finalNorm(x: Tensor): Tensor {
    return rmsnorm(x, this.weight("model.norm.weight"), this.config.rmsNormEps)
  }

  /**
   * Hidden states after the final norm, [B*T, hidden], for ids i32 [B, T] at `positions`
   * (default 0 … T-1 in every row). Causal; right padding does not affect earlier tokens.
   */
  hidden(ids: Tensor, positions?: Tensor): Tensor {
    const c = this.config
    const [batch, length] = ids.shape as [number, number]
    const pos = positions ?? defaultPositions(this.backend, batch, length)
    let x = reshape(this.embed(ids), [batch * length, c.hiddenSize])
    const causal = (q: Tensor, k: Tensor, v: Tensor) => attention(q, k, v, { causal: true })
    for (let l = 0; l < c.numHiddenLayers; l++) x = this.block(x, l, batch, length, pos, causal)
    const out = this.finalNorm(x)
    if (positions === undefined) pos.dispose()
    return out
  }

  /**
   * Logits [B, T, vocab] for ids i32 [B, T]. Records autograd when enabled; wrap calls
   * in `tidy` to release the intermediates.
   */
  forward(ids: Tensor, positions?: Tensor): Tensor {
    const [batch, length] = ids.shape as [number, number]
    const logits = matmul(this.hidden(ids, positions), transpose(this.lmHead))
    return reshape(logits, [batch, length, this.config.vocabSize])
  }

  /**
   * log p(targets[b, t] | ids[b, ..t]) for every position, f32 [B, T]; a negative target
   * gives 0 (padding, prompt tokens). With gradient when enabled (the policy term of GRPO).
   * `temperature` scores under softmax(logits / temperature), as TRL does for rollouts
   * sampled at that temperature; default 1 (the model's own distribution).
   * `adapter: "base"` runs this call without the LoRA adapters (GRPO's reference for a LoRA
   * policy), `"policy"` with them; absent: as `loraEnabled` says. The choice is per call:
   * the forward is synchronous, so it cannot leak into other work.
   */
  tokenLogprobs(ids: Tensor, targets: Tensor, temperature = 1, options: { readonly adapter?: AdapterChoice } = {}): Tensor {
    const previous = this.loraEnabled
    if (options.adapter !== undefined) this.loraEnabled = options.adapter === "policy"
    try {
      return tidy(() => {
        const logits = this.forward(ids)
        return logprobGather(temperature === 1 ? logits : mul(logits, 1 / temperature), targets)
      })
    } finally {
      this.loraEnabled = previous
    }
  }

  /**
   * Prefix-shared `tokenLogprobs` for GRPO-style groups (`SharedPrefix.ts`): log-probs
   * [ΣG, T] of each group's completions (row per completion, in order; column k scores
   * completion token k; 0 past a completion's end; T the longest completion), with each
   * prompt computed once for its G completions. Equal to `tokenLogprobs` of the full
   * sequences up to float rounding, gradient included. `temperature` and `adapter` as in
   * `tokenLogprobs`.
   */
  groupTokenLogprobs(
    groups: ReadonlyArray<PromptGroup>,
    temperature = 1,
    options: { readonly adapter?: AdapterChoice } = {}
  ): Tensor {
    const previous = this.loraEnabled
    if (options.adapter !== undefined) this.loraEnabled = options.adapter === "policy"
    try {
      return tidy(() => sharedPrefixLogprobs(this, groups, temperature))
    } finally {
      this.loraEnabled = previous
    }
  }

  get vocabSize(): number {
    return this.config.vocabSize
  }

  get eosTokenIds(): ReadonlyArray<number> {
    return this.config.eosTokenIds
  }

  /** A KV-cache decoding session (no gradient); see `Qwen2Session.ts`. */
  openSession(rows: number, capacity: number, options: Qwen2SessionOptions = {}): Qwen2Session {
    return openQwen2Session(this, rows, capacity, options)
  }

  /**
   * No-grad scoring: for each sequence, log p(seq[t] | seq[..t]) for t in [start, length).
   * Sequences are right-padded into batches of at most `maxLogits` logits elements.
   * `adapter: "base"` scores with the base model (the adapters are skipped), `"policy"`
   * with them (`lora: false` / `true` is the older spelling of the same); `temperature` as
   * in `tokenLogprobs`.
   */
  async sequenceLogprobs(
    sequences: ReadonlyArray<ReadonlyArray<number>>,
    starts: ReadonlyArray<number>,
    options: {
      readonly maxLogits?: number
      readonly adapter?: AdapterChoice
      readonly lora?: boolean
      readonly temperature?: number
      /**
       * Score sequences with the same prefix (`seq[..start]`) as one group, the prefix
       * computed once (`groupTokenLogprobs`); the same values up to float rounding. Default false.
       */
      readonly sharePrefixes?: boolean
    } = {}
  ): Promise<Array<Float32Array>> {
    if (starts.length !== sequences.length) {
      throw new RangeError(`sequenceLogprobs: ${starts.length} starts for ${sequences.length} sequences`)
    }
    // Checked before any forward, so a bad request costs no device work.
    sequences.forEach((seq, i) => {
      const start = starts[i]!
      if (!Number.isInteger(start) || start < 1 || start > seq.length) {
        throw new RangeError(`sequenceLogprobs: sequence ${i}: start ${start} for length ${seq.length}`)
      }
    })
    const maxLogits = options.maxLogits ?? 1 << 24
    if (options.sharePrefixes === true) return this.sharedPrefixSequenceLogprobs(sequences, starts, maxLogits, options)
    const out: Array<Float32Array> = new Array(sequences.length)
    let i = 0
    while (i < sequences.length) {
      let j = i
      let longest = 0
      // Grow the batch while its logits [B, T, V] stay under the limit.
      while (j < sequences.length) {
        const next = Math.max(longest, sequences[j]!.length)
        if (j > i && (j - i + 1) * next * this.config.vocabSize > maxLogits) break
        longest = next
        j++
      }
      const batch = j - i
      const ids = new Int32Array(batch * longest)
      const targets = new Int32Array(batch * longest).fill(-1)
      for (let b = 0; b < batch; b++) {
        const seq = sequences[i + b]!
        const start = starts[i + b]!
        seq.forEach((id, t) => (ids[b * longest + t] = id))
        // The logits at t - 1 score the token at t.
        for (let t = start; t < seq.length; t++) targets[b * longest + t - 1] = seq[t]!
      }
      const previous = this.loraEnabled
      this.loraEnabled = options.adapter !== undefined ? options.adapter === "policy" : options.lora ?? previous
      let lp: Tensor
      try {
        // Synchronous: the flag cannot leak into other work before it is restored.
        lp = noGrad(() =>
          tidy(() =>
            this.tokenLogprobs(
              fromArray(ids, [batch, longest], { backend: this.backend, dtype: "i32" }),
              fromArray(targets, [batch, longest], { backend: this.backend, dtype: "i32" }),
              options.temperature ?? 1
            )
          )
        )
      } finally {
        this.loraEnabled = previous
      }
      const host = (await lp.toArray()) as Float32Array
      lp.dispose()
      for (let b = 0; b < batch; b++) {
        const seq = sequences[i + b]!
        const start = starts[i + b]!
        out[i + b] = host.slice(b * longest + start - 1, b * longest + seq.length - 1)
      }
      i = j
    }
    return out
  }

  /** `sequenceLogprobs` with `sharePrefixes`: groups of one prefix, batched under `maxLogits`. */
  private async sharedPrefixSequenceLogprobs(
    sequences: ReadonlyArray<ReadonlyArray<number>>,
    starts: ReadonlyArray<number>,
    maxLogits: number,
    options: { readonly adapter?: AdapterChoice; readonly lora?: boolean; readonly temperature?: number }
  ): Promise<Array<Float32Array>> {
    const byPrefix = new Map<string, Array<number>>()
    sequences.forEach((seq, i) => {
      const key = seq.slice(0, starts[i]!).join(",")
      const members = byPrefix.get(key)
      if (members === undefined) byPrefix.set(key, [i])
      else members.push(i)
    })
    const groups = [...byPrefix.values()]
    const out: Array<Float32Array> = new Array(sequences.length)
    const adapter: AdapterChoice = options.adapter ?? ((options.lora ?? this.loraEnabled) ? "policy" : "base")
    let i = 0
    while (i < groups.length) {
      // Grow the batch while its logits (rows × longest completion × vocab) stay under the limit.
      let j = i
      let rows = 0
      let longest = 0
      while (j < groups.length) {
        const members = groups[j]!
        const nextLongest = Math.max(longest, ...members.map((m) => sequences[m]!.length - starts[m]!))
        if (j > i && (rows + members.length) * nextLongest * this.config.vocabSize > maxLogits) break
        rows += members.length
        longest = nextLongest
        j++
      }
      const batch = groups.slice(i, j)
      if (longest === 0) {
        for (const m of batch.flat()) out[m] = new Float32Array(0)
      } else {
        const lp = noGrad(() =>
          this.groupTokenLogprobs(
            batch.map((members) => ({
              prompt: sequences[members[0]!]!.slice(0, starts[members[0]!]!),
              completions: members.map((m) => sequences[m]!.slice(starts[m]!))
            })),
            options.temperature ?? 1,
            { adapter }
          )
        )
        const host = (await lp.toArray()) as Float32Array
        lp.dispose()
        batch.flat().forEach((m, row) => (out[m] = host.slice(row * longest, row * longest + sequences[m]!.length - starts[m]!)))
      }
      i = j
    }
    return out
  }

  /** Copies every base weight back to the host (to save a checkpoint). */
  async hostWeights(): Promise<Qwen2HostWeights> {
    const out = new Map<string, { shape: ReadonlyArray<number>; data: Float32Array }>()
    // toArray widens f16 storage to f32.
    for (const [name, t] of this.weights) out.set(name, { shape: t.shape, data: (await t.toArray()) as Float32Array })
    return out
  }

  /** Copies the LoRA adapters back to the host (to save a PEFT adapter). */
  async hostLora(): Promise<Array<LoraModule>> {
    const out: Array<LoraModule> = []
    for (const [module, m] of this.lora?.modules ?? []) {
      out.push({
        module,
        a: { shape: m.a.shape, data: (await m.a.toArray()) as Float32Array },
        b: { shape: m.b.shape, data: (await m.b.toArray()) as Float32Array }
      })
    }
    return out
  }

  /** Base weights with the LoRA adapters folded in (W + scale·B·A), on the host: save or reload them as a plain model. */
  async mergedWeights(): Promise<Qwen2HostWeights> {
    const base = await this.hostWeights()
    return this.lora === null ? base : mergeLora(base, this.lora.config, await this.hostLora())
  }

  /** Releases every device tensor of the model. */
  dispose(): void {
    for (const t of this.weights.values()) t.dispose()
    for (const m of this.lora?.modules.values() ?? []) {
      m.a.dispose()
      m.b.dispose()
    }
  }
}

/**
 * Positions 0 … T-1 in every row, i32 [B, T].
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultPositions = (backend: Backend, batch: number, length: number): Tensor => {
  const data = new Int32Array(batch * length)
  for (let b = 0; b < batch; b++) for (let t = 0; t < length; t++) data[b * length + t] = t
  return noGrad(() => fromArray(data, [batch, length], { backend, dtype: "i32" }))
}
