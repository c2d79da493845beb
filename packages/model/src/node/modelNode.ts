/**
 * Loading and saving models and adapters in local directories (Node only): an HF
 * snapshot directory to a `Qwen2Model`, a model back to a snapshot, LoRA adapters in
 * PEFT's directory layout.
 *
 * @since 0.1.0
 */
import type { Qwen2HostWeights } from "../checkpoint/Qwen2Weights.ts"
import { qwen2SnapshotFiles, readQwen2Weights } from "../checkpoint/Qwen2Weights.ts"
import type { SnapshotReader } from "../checkpoint/Snapshot.ts"
import { loadSnapshot } from "../checkpoint/Snapshot.ts"
import type { Qwen2Config } from "../config/Qwen2Config.ts"
import type { LoraConfig } from "../lora/LoraConfig.ts"
import { decodeLoraConfig } from "../lora/LoraConfig.ts"
import type { LoraModule } from "../lora/LoraWeights.ts"
import { loraAdapterFiles, parseLoraModules } from "../lora/LoraWeights.ts"
import { modelFileError } from "../ModelFileError.ts"
import { parseJsonFile } from "../parseJsonFile.ts"
import type { Qwen2ModelOptions } from "../qwen2/Qwen2Model.ts"
import { Qwen2Model } from "../qwen2/Qwen2Model.ts"
import type { SafetensorsDtype } from "../safetensors/Safetensors.ts"
import type { TextTokenizer } from "../tokenizer/Tokenizer.ts"
import { parseTokenizer } from "../tokenizer/Tokenizer.ts"
import { snapshotReaderNode, writeSnapshotFilesNode } from "./snapshotNode.ts"

const decoder = new TextDecoder()

// A file of the directory as text; undefined when it does not exist.
const readText = async (reader: SnapshotReader, name: string): Promise<string | undefined> => {
  const bytes = await reader.read(name)
  return bytes === undefined ? undefined : decoder.decode(bytes)
}

const found = <T>(x: T | undefined, file: string): T => {
  if (x === undefined) throw modelFileError(file, "file not found")
  return x
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
  const reader = snapshotReaderNode(dir)
  const configFile = reader.describe("adapter_config.json")
  const config = decodeLoraConfig(parseJsonFile(found(await readText(reader, "adapter_config.json"), configFile), configFile), configFile)
  const weightsFile = reader.describe("adapter_model.safetensors")
  const bytes = found(await reader.read("adapter_model.safetensors"), weightsFile)
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
  const reader = snapshotReaderNode(dir)
  const file = reader.describe("tokenizer.json")
  const text = found(await readText(reader, "tokenizer.json"), file)
  const configText = await readText(reader, "tokenizer_config.json")
  return parseTokenizer(text, configText, { file, configFile: reader.describe("tokenizer_config.json") })
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
