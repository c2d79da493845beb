/**
 * A local Hugging Face snapshot directory, read through a small `SnapshotReader` so the
 * loading logic stays platform-neutral (the Node reader lives in `node/`). Reads
 * `config.json`, then either `model.safetensors.index.json` (sharded) or
 * `model.safetensors`.
 *
 * @since 0.1.0
 */
import type { Qwen2Config } from "../config/Qwen2Config.ts"
import { parseQwen2Config } from "../config/Qwen2Config.ts"
import { modelFileError } from "../ModelFileError.ts"
import { parseJsonFile } from "../parseJsonFile.ts"
import type { HostTensor, SafetensorsFile } from "../safetensors/Safetensors.ts"
import { parseSafetensors, readTensor } from "../safetensors/Safetensors.ts"

/**
 * Reads files of one snapshot by their name inside it.
 *
 * @since 0.1.0
 * @category models
 */
export interface SnapshotReader {
  /** The file's bytes, or undefined when it does not exist (other failures reject). */
  readonly read: (name: string) => Promise<Uint8Array | undefined>
  /** How to name the file in errors (e.g. its full path). */
  readonly describe: (name: string) => string
}

/**
 * The tensors of a checkpoint, possibly spread over shards, read on demand.
 *
 * @since 0.1.0
 * @category models
 */
export interface TensorStore {
  readonly names: ReadonlyArray<string>
  readonly has: (name: string) => boolean
  /** The tensor as f32; throws `ModelFileError` when missing or of another shape. */
  readonly get: (name: string, shape?: ReadonlyArray<number>) => HostTensor
  /** The file that holds `name` (for messages), when the store knows it. */
  readonly fileOf?: (name: string) => string | undefined
}

/**
 * A loaded snapshot: its config and its tensors.
 *
 * @since 0.1.0
 * @category models
 */
export interface Snapshot {
  readonly config: Qwen2Config
  readonly tensors: TensorStore
}

const decoder = new TextDecoder()

/**
 * A `TensorStore` over parsed safetensors files, each tensor looked up in the file that
 * holds it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tensorStore = (files: ReadonlyArray<SafetensorsFile>, describe = "checkpoint"): TensorStore => {
  const owner = new Map<string, SafetensorsFile>()
  for (const f of files) {
    for (const name of f.tensors.keys()) {
      const prior = owner.get(name)
      if (prior !== undefined) throw modelFileError(f.file, `tensor ${name} also appears in ${prior.file}`)
      owner.set(name, f)
    }
  }
  return {
    names: [...owner.keys()],
    has: (name) => owner.has(name),
    fileOf: (name) => owner.get(name)?.file,
    get: (name, shape) => {
      const f = owner.get(name)
      if (f === undefined) throw modelFileError(describe, `missing tensor ${name}`)
      return readTensor(f, name, shape)
    }
  }
}

const readJson = async (reader: SnapshotReader, name: string): Promise<unknown> => {
  const bytes = await reader.read(name)
  if (bytes === undefined) throw modelFileError(reader.describe(name), "file not found")
  return parseJsonFile(decoder.decode(bytes), reader.describe(name))
}

/**
 * Parses `model.safetensors.index.json`: the shard file of every tensor.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseShardIndex = (json: unknown, file: string): ReadonlyMap<string, string> => {
  const map = typeof json === "object" && json !== null ? (json as Record<string, unknown>)["weight_map"] : undefined
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    throw modelFileError(file, "missing weight_map object")
  }
  const out = new Map<string, string>()
  for (const [name, shard] of Object.entries(map)) {
    if (typeof shard !== "string" || shard.includes("/") || shard.includes("\\")) {
      throw modelFileError(file, `weight_map[${JSON.stringify(name)}] must be a file name in the snapshot`)
    }
    out.set(name, shard)
  }
  return out
}

/**
 * Loads the safetensors of a snapshot (sharded or single-file) into a `TensorStore`.
 * Rejects with `ModelFileError` naming the file at fault.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadTensors = async (reader: SnapshotReader): Promise<TensorStore> => {
  const indexName = "model.safetensors.index.json"
  const indexBytes = await reader.read(indexName)
  if (indexBytes === undefined) {
    const file = reader.describe("model.safetensors")
    const bytes = await reader.read("model.safetensors")
    if (bytes === undefined) throw modelFileError(file, `file not found (nor ${indexName})`)
    return tensorStore([parseSafetensors(bytes, file)], file)
  }
  const index = parseShardIndex(await readJson(reader, indexName), reader.describe(indexName))
  const files: Array<SafetensorsFile> = []
  for (const shard of new Set(index.values())) {
    const bytes = await reader.read(shard)
    if (bytes === undefined) throw modelFileError(reader.describe(shard), `shard listed in ${indexName} not found`)
    files.push(parseSafetensors(bytes, reader.describe(shard)))
  }
  const store = tensorStore(files, reader.describe(indexName))
  for (const [name, shard] of index) {
    if (!store.has(name)) throw modelFileError(reader.describe(shard), `missing tensor ${name} (listed in ${indexName})`)
  }
  return store
}

/**
 * Loads `config.json` and the weights of a snapshot.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadSnapshot = async (reader: SnapshotReader): Promise<Snapshot> => {
  const configBytes = await reader.read("config.json")
  if (configBytes === undefined) throw modelFileError(reader.describe("config.json"), "file not found")
  const config = parseQwen2Config(decoder.decode(configBytes), reader.describe("config.json"))
  return { config, tensors: await loadTensors(reader) }
}

/**
 * A reader over in-memory files (tests, browsers that fetched a snapshot).
 *
 * @since 0.1.0
 * @category constructors
 */
export const memorySnapshotReader = (files: ReadonlyMap<string, Uint8Array | string>, root = "memory:"): SnapshotReader => ({
  read: (name) => {
    const f = files.get(name)
    return Promise.resolve(typeof f === "string" ? new TextEncoder().encode(f) : f)
  },
  describe: (name) => `${root}/${name}`
})
