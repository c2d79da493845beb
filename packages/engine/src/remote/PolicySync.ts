/**
 * Keeping the servers' policy in step with the trainer: a LoRA adapter (a PEFT directory
 * the servers can read) loaded under a versioned name on every server with vLLM's
 * `/v1/load_lora_adapter` (the previous version unloaded after the switch), or full
 * weights reloaded with SGLang's `/update_weights_from_disk`.
 *
 * @since 0.1.0
 */
import type { Qwen2Model } from "@sapphire-rl/model"
import { Context } from "effect"
import type { Effect } from "effect"
import type { EngineError } from "../Engine.ts"
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

/**
 * What a trainer calls after each optimizer step to bring the rollout servers up to date
 * (provided with a remote engine; a local engine samples from the live model and needs none).
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicySyncShape {
  /**
   * Publishes `model` as policy `version`: with `initial` (before a stage's first rollout)
   * the full weights, so the servers start from the trainer's exact model, plus its LoRA
   * adapter if any; otherwise the adapter when the model has one, else the full weights.
   */
  readonly push: (model: Qwen2Model, version: number, options?: { readonly initial?: boolean }) => Effect.Effect<void, EngineError>
}

/**
 * The policy sync of a run with a remote engine.
 *
 * @since 0.1.0
 * @category services
 */
export class PolicySync extends Context.Service<PolicySync, PolicySyncShape>()("@sapphire-rl/engine/PolicySync") {}
