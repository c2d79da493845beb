/**
 * A `ModelStore` over local directories: the base model from an HF snapshot, adapters
 * from PEFT adapter directories. Base weights stay in host memory so adapters and weight
 * updates can build models without re-reading the snapshot; each loaded adapter holds its
 * own device copy of the base (fine for the small models this serves; a shared-base LoRA
 * kernel would avoid it).
 *
 * @since 0.0.0
 */
import type { Qwen2HostWeights } from "@sapphire-rl/model"
import { Qwen2Model } from "@sapphire-rl/model"
import type { Qwen2Config } from "@sapphire-rl/model"
import { readLoraAdapterNode, readQwen2SnapshotNode } from "@sapphire-rl/model/node"
import type { Backend } from "@sapphire-rl/tensor"
import type { ModelStore, ServedModel } from "../ModelStore.ts"

/**
 * Where and how to place models.
 *
 * @since 0.0.0
 * @category models
 */
export interface ModelStoreNodeOptions {
  readonly dir: string
  readonly servedName: string
  readonly backend: Backend
  readonly weightDtype?: "f32" | "f16"
}

/**
 * Opens the base model of `options.dir`.
 *
 * @since 0.0.0
 * @category constructors
 */
export const openModelStoreNode = async (options: ModelStoreNodeOptions): Promise<ModelStore & { readonly config: Qwen2Config }> => {
  const place = { backend: options.backend, weightDtype: options.weightDtype ?? "f32" } as const
  let { config, weights } = await readQwen2SnapshotNode(options.dir)
  let base = new Qwen2Model(config, weights, place)
  const adapters = new Map<string, { path: string; model: Qwen2Model }>()

  const withAdapter = async (cfg: Qwen2Config, w: Qwen2HostWeights, path: string) =>
    new Qwen2Model(cfg, w, { ...place, lora: await readLoraAdapterNode(path, cfg) })

  const served = (): Array<ServedModel> => [
    { id: options.servedName, parent: null, model: base },
    ...[...adapters].map(([id, a]) => ({ id, parent: options.servedName, model: a.model }))
  ]

  return {
    get config() {
      return config
    },
    baseName: options.servedName,
    get: (name) => served().find((m) => m.id === name),
    list: served,
    loadAdapter: async (name, path) => {
      adapters.set(name, { path, model: await withAdapter(config, weights, path) })
    },
    unloadAdapter: (name) => {
      const a = adapters.get(name)
      if (a === undefined) return false
      a.model.dispose()
      adapters.delete(name)
      return true
    },
    updateWeights: async (path) => {
      const next = await readQwen2SnapshotNode(path)
      const nextBase = new Qwen2Model(next.config, next.weights, place)
      const rebuilt = new Map<string, { path: string; model: Qwen2Model }>()
      try {
        for (const [name, a] of adapters) rebuilt.set(name, { path: a.path, model: await withAdapter(next.config, next.weights, a.path) })
      } catch (e) {
        nextBase.dispose()
        for (const a of rebuilt.values()) a.model.dispose()
        throw e
      }
      base.dispose()
      for (const a of adapters.values()) a.model.dispose()
      config = next.config
      weights = next.weights
      base = nextBase
      adapters.clear()
      for (const [name, a] of rebuilt) adapters.set(name, a)
    },
    dispose: () => {
      base.dispose()
      for (const a of adapters.values()) a.model.dispose()
      adapters.clear()
    }
  }
}
