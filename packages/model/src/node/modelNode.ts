/**
 * Loading and saving models and adapters in local directories (Node only): an HF
 * snapshot directory to a `Qwen2Model`, a model back to a snapshot, LoRA adapters in
 * PEFT's directory layout.
 *
 * @since 0.1.0
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import type { Qwen2HostWeights } from "../checkpoint/Qwen2Weights.ts"
import { qwen2SnapshotFiles, readQwen2Weights } from "../checkpoint/Qwen2Weights.ts"
import { loadSnapshot } from "../checkpoint/Snapshot.ts"
import type { Qwen2Config } from "../config/Qwen2Config.ts"
import type { LoraConfig } from "../lora/LoraConfig.ts"
import { decodeLoraConfig } from "../lora/LoraConfig.ts"
import type { LoraModule } from "../lora/LoraWeights.ts"
import { loraAdapterFiles, parseLoraModules } from "../lora/LoraWeights.ts"
import { modelFileError } from "../ModelFileError.ts"
import type { Qwen2ModelOptions } from "../qwen2/Qwen2Model.ts"
import { Qwen2Model } from "../qwen2/Qwen2Model.ts"
import type { SafetensorsDtype } from "../safetensors/Safetensors.ts"
import type { TextTokenizer } from "../tokenizer/Tokenizer.ts"
import { parseTokenizer } from "../tokenizer/Tokenizer.ts"
import { snapshotReaderNode, writeSnapshotFilesNode } from "./snapshotNode.ts"

const readText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, "utf8")
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw e
  }
}

/**
 * Reads the config and weights of a snapshot directory into host memory.
 *
 * @since 0.1.0
 * @category loading
 */
export const readQwen2SnapshotNode = async (dir: string): Promise<{ config: Qwen2Config; weights: Qwen2HostWeights }> => {
  const snap = await loadSnapshot(snapshotReaderNode(dir))
  return { config: snap.config, weights: readQwen2Weights(snap.config, snap.tensors) }
}

/**
 * Reads a PEFT adapter directory (`adapter_config.json` + `adapter_model.safetensors`)
 * for a model config.
 *
 * @since 0.1.0
 * @category loading
 */
export const readLoraAdapterNode = async (
  dir: string,
  model: Qwen2Config
): Promise<{ config: LoraConfig; modules: Array<LoraModule> }> => {
  const configFile = join(dir, "adapter_config.json")
  const text = await readText(configFile)
  if (text === undefined) throw modelFileError(configFile, "file not found")
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw modelFileError(configFile, `not valid JSON (${(e as Error).message})`)
  }
  const config = decodeLoraConfig(json, configFile)
  const weightsFile = join(dir, "adapter_model.safetensors")
  let bytes: Uint8Array
  try {
    const buf = await readFile(weightsFile)
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
  } catch {
    throw modelFileError(weightsFile, "file not found")
  }
  return { config, modules: parseLoraModules(model, config, bytes, weightsFile) }
}

/**
 * Loads a snapshot directory as a model, optionally with a PEFT adapter directory.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadQwen2Node = async (
  dir: string,
  options: Omit<Qwen2ModelOptions, "lora"> & { readonly adapterDir?: string } = {}
): Promise<Qwen2Model> => {
  const { config, weights } = await readQwen2SnapshotNode(dir)
  const { adapterDir, ...rest } = options
  const lora = adapterDir === undefined ? undefined : await readLoraAdapterNode(adapterDir, config)
  return new Qwen2Model(config, weights, lora === undefined ? rest : { ...rest, lora })
}

/**
 * Loads `tokenizer.json` (+ `tokenizer_config.json` when present) of a directory.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadTokenizerNode = async (dir: string): Promise<TextTokenizer> => {
  const file = join(dir, "tokenizer.json")
  const text = await readText(file)
  if (text === undefined) throw modelFileError(file, "file not found")
  const configFile = join(dir, "tokenizer_config.json")
  return parseTokenizer(text, await readText(configFile), { file, configFile })
}

/**
 * Writes a model's base weights as an HF snapshot (`config.json`, `model.safetensors`)
 * stored in `dtype`; extra files (a tokenizer) may be added.
 *
 * @since 0.1.0
 * @category saving
 */
export const saveQwen2Node = async (
  model: Qwen2Model,
  dir: string,
  dtype: SafetensorsDtype = "F32",
  extraFiles: ReadonlyMap<string, Uint8Array | string> = new Map()
): Promise<void> => {
  const files = qwen2SnapshotFiles(model.config, await model.hostWeights(), dtype)
  await writeSnapshotFilesNode(dir, new Map([...files, ...extraFiles]))
}

/**
 * Writes a model's LoRA adapters as a PEFT adapter directory.
 *
 * @since 0.1.0
 * @category saving
 */
export const saveLoraNode = async (model: Qwen2Model, dir: string, baseModel = ""): Promise<void> => {
  if (model.lora === null) throw new Error("saveLoraNode: the model has no LoRA adapters")
  await writeSnapshotFilesNode(dir, loraAdapterFiles(model.lora.config, await model.hostLora(), baseModel))
}
