/**
 * LoRA settings and PEFT's `adapter_config.json`: which linear layers get adapters, the
 * rank and the scale `lora_alpha / r` (or `/ sqrt(r)` with rsLoRA).
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { modelFileError } from "../ModelFileError.ts"

const Target = Schema.Literals(["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])

/**
 * The linear layers of a Qwen2 block, by their HF module names.
 *
 * @since 0.1.0
 * @category models
 */
export type LoraTarget = typeof Target.Type

/** @since 0.1.0 @category constants */
export const LORA_TARGETS: ReadonlyArray<LoraTarget> = Target.literals

/**
 * LoRA hyper-parameters.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoraConfig {
  readonly rank: number
  readonly alpha: number
  readonly targets: ReadonlyArray<LoraTarget>
  /** rsLoRA scales by alpha / sqrt(rank) instead of alpha / rank. */
  readonly useRslora: boolean
  /** Layers that get adapters; null = every layer. */
  readonly layers: ReadonlyArray<number> | null
  readonly dropout: number
}

/**
 * The factor applied to B·A.
 *
 * @since 0.1.0
 * @category getters
 */
export const loraScale = (c: LoraConfig): number => (c.useRslora ? c.alpha / Math.sqrt(c.rank) : c.alpha / c.rank)

/**
 * The fields of PEFT's `adapter_config.json` this package reads.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AdapterConfigJson = Schema.Struct({
  peft_type: Schema.Literals(["LORA"]),
  r: Schema.Int.check(Schema.isGreaterThan(0)),
  lora_alpha: Schema.Finite,
  target_modules: Schema.Union([Schema.Array(Target), Target]),
  lora_dropout: Schema.optionalKey(Schema.Finite),
  use_rslora: Schema.optionalKey(Schema.Boolean),
  layers_to_transform: Schema.optionalKey(Schema.NullOr(Schema.Union([Schema.Int, Schema.Array(Schema.Int)]))),
  bias: Schema.optionalKey(Schema.Literals(["none"])),
  fan_in_fan_out: Schema.optionalKey(Schema.Literals([false])),
  use_dora: Schema.optionalKey(Schema.Literals([false]))
})

const decodeAdapterJson = Schema.decodeUnknownResult(AdapterConfigJson)

/**
 * Decodes `adapter_config.json`. Throws `ModelFileError` naming the file and each bad field.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeLoraConfig = (json: unknown, file = "adapter_config.json"): LoraConfig => {
  const r = decodeAdapterJson(json, { errors: "all" })
  if (Result.isFailure(r)) throw modelFileError(file, `invalid LoRA adapter config\n${r.failure.message}`)
  const c = r.success
  const layers = c.layers_to_transform ?? null
  return {
    rank: c.r,
    alpha: c.lora_alpha,
    targets: typeof c.target_modules === "string" ? [c.target_modules] : [...c.target_modules],
    useRslora: c.use_rslora ?? false,
    layers: layers === null ? null : typeof layers === "number" ? [layers] : [...layers],
    dropout: c.lora_dropout ?? 0
  }
}

/**
 * PEFT's `adapter_config.json` for a config, loadable by `peft.PeftModel.from_pretrained`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeLoraConfig = (c: LoraConfig, baseModel = ""): Record<string, unknown> => ({
  peft_type: "LORA",
  task_type: "CAUSAL_LM",
  base_model_name_or_path: baseModel,
  r: c.rank,
  lora_alpha: c.alpha,
  lora_dropout: c.dropout,
  target_modules: [...c.targets],
  use_rslora: c.useRslora,
  layers_to_transform: c.layers === null ? null : [...c.layers],
  bias: "none",
  fan_in_fan_out: false,
  inference_mode: true,
  init_lora_weights: true,
  modules_to_save: null,
  use_dora: false
})
