/**
 * Checkpoint weights on disk (Node): LoRA adapters in the PEFT layout, or the full weights
 * as a Hugging Face snapshot (safetensors).
 *
 * @since 0.1.0
 */
import type { Qwen2Model } from "@sapphire-rl/model"
import { saveLoraNode, saveQwen2Node } from "@sapphire-rl/model/node"

/**
 * Saves `model`'s trainable weights into `dir`.
 *
 * @since 0.1.0
 * @category saving
 */
export const saveWeightsNode = (model: Qwen2Model, dir: string): Promise<void> =>
  model.lora !== null ? saveLoraNode(model, dir) : saveQwen2Node(model, dir)
