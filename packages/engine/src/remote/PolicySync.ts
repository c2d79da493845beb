/**
 * Keeping the servers' policy in step with the trainer: a LoRA adapter (a PEFT directory
 * the servers can read) loaded under a versioned name on every server with vLLM's
 * `/v1/load_lora_adapter` (the previous version unloaded after the switch), or full
 * weights reloaded with SGLang's `/update_weights_from_disk`.
 *
 * @since 0.1.0
 */
import type { RemoteEngine } from "./RemoteEngine.ts"

/**
 * The served name of adapter version `version`.
 *
 * @since 0.1.0
 * @category naming
 */
export const adapterName = (prefix: string, version: number): string => `${prefix}-v${version}`

/**
 * Loads the adapter at `path` as version `version` on every server, switches sampling to
 * it, then unloads the previous adapter version (if any). Rejects, leaving the engine on
 * the old version, when any server fails to load it.
 *
 * @since 0.1.0
 * @category sync
 */
export const syncLoraAdapter = async (engine: RemoteEngine, path: string, version: number, prefix = "policy"): Promise<void> => {
  const previous = engine.policy()
  const name = adapterName(prefix, version)
  await engine.fleet.broadcast("/v1/load_lora_adapter", { lora_name: name, lora_path: path })
  engine.setPolicy({ model: name, version })
  if (previous.model !== undefined && previous.model !== name && previous.model.startsWith(`${prefix}-v`)) {
    // Best effort: a server that cannot drop the old adapter still serves the new one.
    await engine.fleet.broadcast("/v1/unload_lora_adapter", { lora_name: previous.model }).catch(() => {})
  }
}

/**
 * Replaces the base weights on every server with the snapshot at `path` and tags later
 * samples with `version`.
 *
 * @since 0.1.0
 * @category sync
 */
export const syncFullWeights = async (engine: RemoteEngine, path: string, version: number): Promise<void> => {
  await engine.fleet.broadcast("/update_weights_from_disk", { model_path: path })
  engine.setPolicy({ model: engine.policy().model, version })
}
