/**
 * Hugging Face `config.json` for Qwen2 (`Qwen2ForCausalLM`): decoded with `Schema`, so a
 * bad field is reported with its name and the file, and written back in HF's layout.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { modelFileError } from "../ModelFileError.ts"
import { parseJsonFile } from "../parseJsonFile.ts"

/**
 * The checkpoint's storage dtype as HF names it.
 *
 * @since 0.1.0
 * @category models
 */
export type TorchDtype = "float32" | "float16" | "bfloat16"

/**
 * A Qwen2 decoder, as the model code uses it (camelCase, derived fields filled in).
 *
 * @since 0.1.0
 * @category models
 */
export interface Qwen2Config {
  readonly hiddenSize: number
  readonly intermediateSize: number
  readonly numHiddenLayers: number
  readonly numAttentionHeads: number
  readonly numKeyValueHeads: number
  /** hiddenSize / numAttentionHeads (HF Qwen2 has no separate head_dim). */
  readonly headDim: number
  readonly rmsNormEps: number
  readonly ropeTheta: number
  readonly vocabSize: number
  readonly tieWordEmbeddings: boolean
  readonly maxPositionEmbeddings: number
  readonly torchDtype: TorchDtype
  readonly bosTokenId: number | null
  /** HF allows one id or a list; generation stops on any of them. */
  readonly eosTokenIds: ReadonlyArray<number>
}

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))
const TokenId = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * The fields of HF's Qwen2 `config.json` that change the computation. Others (dropout,
 * initializer_range, use_cache, transformers_version, …) are accepted and ignored.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Qwen2ConfigJson = Schema.Struct({
  model_type: Schema.optionalKey(Schema.Literals(["qwen2"])),
  hidden_size: PositiveInt,
  intermediate_size: PositiveInt,
  num_hidden_layers: PositiveInt,
  num_attention_heads: PositiveInt,
  num_key_value_heads: Schema.optionalKey(PositiveInt),
  rms_norm_eps: Schema.Finite.check(Schema.isGreaterThan(0)),
  rope_theta: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThan(0))),
  vocab_size: PositiveInt,
  tie_word_embeddings: Schema.optionalKey(Schema.Boolean),
  max_position_embeddings: PositiveInt,
  torch_dtype: Schema.optionalKey(Schema.Literals(["float32", "float16", "bfloat16"])),
  bos_token_id: Schema.optionalKey(Schema.NullOr(TokenId)),
  eos_token_id: Schema.optionalKey(Schema.NullOr(Schema.Union([TokenId, Schema.Array(TokenId)]))),
  hidden_act: Schema.optionalKey(Schema.Literals(["silu"])),
  rope_scaling: Schema.optionalKey(Schema.Null),
  use_sliding_window: Schema.optionalKey(Schema.Literals([false]))
})

/** @since 0.1.0 @category models */
export type Qwen2ConfigJson = typeof Qwen2ConfigJson.Type

const decodeJson = Schema.decodeUnknownResult(Qwen2ConfigJson)

/**
 * Decodes a parsed `config.json`. Throws `ModelFileError` naming `file` and each bad field.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeQwen2Config = (json: unknown, file = "config.json"): Qwen2Config => {
  const result = decodeJson(json, { errors: "all" })
  if (Result.isFailure(result)) {
    throw modelFileError(file, `invalid Qwen2 config\n${result.failure.message}`)
  }
  const c = result.success
  const numKeyValueHeads = c.num_key_value_heads ?? c.num_attention_heads
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw modelFileError(
      file,
      `hidden_size ${c.hidden_size} is not divisible by num_attention_heads ${c.num_attention_heads}`
    )
  }
  if (c.num_attention_heads % numKeyValueHeads !== 0) {
    throw modelFileError(
      file,
      `num_attention_heads ${c.num_attention_heads} is not divisible by num_key_value_heads ${numKeyValueHeads}`
    )
  }
  const headDim = c.hidden_size / c.num_attention_heads
  if (headDim % 2 !== 0) throw modelFileError(file, `head dim ${headDim} must be even for rotary embeddings`)
  const eos = c.eos_token_id
  return {
    hiddenSize: c.hidden_size,
    intermediateSize: c.intermediate_size,
    numHiddenLayers: c.num_hidden_layers,
    numAttentionHeads: c.num_attention_heads,
    numKeyValueHeads,
    headDim,
    rmsNormEps: c.rms_norm_eps,
    // HF Qwen2Config's default.
    ropeTheta: c.rope_theta ?? 10000,
    vocabSize: c.vocab_size,
    tieWordEmbeddings: c.tie_word_embeddings ?? false,
    maxPositionEmbeddings: c.max_position_embeddings,
    torchDtype: c.torch_dtype ?? "float32",
    bosTokenId: c.bos_token_id ?? null,
    eosTokenIds: eos === undefined || eos === null ? [] : typeof eos === "number" ? [eos] : [...eos]
  }
}

/**
 * Parses the text of a `config.json` (bad JSON is reported with the file name).
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseQwen2Config = (text: string, file = "config.json"): Qwen2Config =>
  decodeQwen2Config(parseJsonFile(text, file), file)

/**
 * The HF `config.json` object for a config, loadable by `transformers` as
 * `Qwen2ForCausalLM`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeQwen2Config = (config: Qwen2Config): Record<string, unknown> => ({
  architectures: ["Qwen2ForCausalLM"],
  model_type: "qwen2",
  hidden_act: "silu",
  hidden_size: config.hiddenSize,
  intermediate_size: config.intermediateSize,
  num_hidden_layers: config.numHiddenLayers,
  num_attention_heads: config.numAttentionHeads,
  num_key_value_heads: config.numKeyValueHeads,
  rms_norm_eps: config.rmsNormEps,
  rope_theta: config.ropeTheta,
  rope_scaling: null,
  vocab_size: config.vocabSize,
  tie_word_embeddings: config.tieWordEmbeddings,
  max_position_embeddings: config.maxPositionEmbeddings,
  torch_dtype: config.torchDtype,
  bos_token_id: config.bosTokenId,
  eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : [...config.eosTokenIds],
  use_sliding_window: false,
  attention_dropout: 0,
  use_cache: true
})

/**
 * The text of `config.json` for a config (2-space indented, trailing newline).
 *
 * @since 0.1.0
 * @category encoding
 */
export const formatQwen2Config = (config: Qwen2Config): string =>
  `${JSON.stringify(encodeQwen2Config(config), null, 2)}\n`
