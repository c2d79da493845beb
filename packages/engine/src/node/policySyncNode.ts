/**
 * Policy sync from a live `Qwen2Model` (Node: writes to a directory the servers share).
 *
 * @since 0.1.0
 */
import { join } from "node:path"
import type { Qwen2Model } from "@sapphire-rl/model"
import { saveLoraNode, saveQwen2Node } from "@sapphire-rl/model/node"
import { syncFullWeights, syncLoraAdapter } from "../remote/PolicySync.ts"
import type { RemoteEngine } from "../remote/RemoteEngine.ts"

/**
 * Writes the model's LoRA adapters to `root/policy-v<version>` (PEFT layout) and loads them on every server.
 *
 * @since 0.1.0
 * @category sync
 */
export const pushLoraNode = async (engine: RemoteEngine, model: Qwen2Model, root: string, version: number): Promise<string> => {
  const dir = join(root, `policy-v${version}`)
  await saveLoraNode(model, dir)
  await syncLoraAdapter(engine, dir, version)
  return dir
}

/**
 * Writes the model's (merged) weights as a snapshot to `root/weights-v<version>` and reloads every server from it.
 *
 * @since 0.1.0
 * @category sync
 */
export const pushFullWeightsNode = async (engine: RemoteEngine, model: Qwen2Model, root: string, version: number): Promise<string> => {
  const dir = join(root, `weights-v${version}`)
  await saveQwen2Node(model, dir)
  await syncFullWeights(engine, dir, version)
  return dir
}
