/**
 * The models a server can sample from: the base model under its served name, plus LoRA
 * adapters loaded at run time under names of their own (vLLM's dynamic LoRA serving).
 * Platform code (reading directories) supplies the loaders.
 *
 * @since 0.0.0
 */
import type { DecoderModel } from "@sapphire-rl/engine"

/**
 * A model the server can sample from.
 *
 * @since 0.0.0
 * @category models
 */
export interface ServedModel {
  readonly id: string
  /** The base model's name for an adapter; null for the base itself. */
  readonly parent: string | null
  readonly model: DecoderModel & { dispose(): void }
}

/**
 * The store.
 *
 * @since 0.0.0
 * @category models
 */
export interface ModelStore {
  readonly baseName: string
  readonly get: (name: string) => ServedModel | undefined
  readonly list: () => ReadonlyArray<ServedModel>
  /** Loads a PEFT adapter directory under `name` (throws if the name is taken). */
  readonly loadAdapter: (name: string, path: string) => Promise<void>
  /** Drops an adapter; false if it was not loaded. */
  readonly unloadAdapter: (name: string) => boolean
  /** Replaces the base weights with a snapshot directory's; loaded adapters are re-applied on the new base. */
  readonly updateWeights: (path: string) => Promise<void>
  readonly dispose: () => void
}
