/**
 * @sapphire-rl/model: Qwen2 (HF `Qwen2ForCausalLM`), Hugging Face checkpoints
 * (config.json, safetensors), tokenizers and chat templates, LoRA, tiny presets.
 *
 * Node-only helpers (reading snapshot directories) are exported from
 * `@sapphire-rl/model/node`.
 *
 * @since 0.1.0
 */
export * from "./ModelFileError.ts"
export * from "./config/Qwen2Config.ts"
export * from "./safetensors/floatBits.ts"
export * from "./safetensors/Safetensors.ts"
export * from "./checkpoint/Snapshot.ts"
export * from "./checkpoint/Qwen2Weights.ts"
export * from "./tokenizer/ChatTemplate.ts"
export * from "./tokenizer/Tokenizer.ts"
export * from "./tokenizer/BpeTrainer.ts"
export * from "./presets/Presets.ts"
export * from "./lora/LoraConfig.ts"
export * from "./lora/LoraWeights.ts"
export * from "./qwen2/Qwen2Model.ts"
export * from "./qwen2/Qwen2Session.ts"
export * from "./qwen2/SharedPrefix.ts"
export * from "./backend/openBackend.ts"
