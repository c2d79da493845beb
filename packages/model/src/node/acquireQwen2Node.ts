/**
 * Effect entry points for the orchestration level (Node): a model loaded from a snapshot
 * directory as a scoped resource on the run's `TensorBackend`, released (device memory
 * freed) when the scope closes; file problems are `ModelFileError`s in the error channel.
 *
 * @since 0.1.0
 */
import { TensorBackend } from "@sapphire-rl/tensor"
import { Effect } from "effect"
import type { Scope } from "effect"
import { ModelFileError, modelFileError } from "../ModelFileError.ts"
import type { Qwen2Model, Qwen2ModelOptions } from "../qwen2/Qwen2Model.ts"
import type { TextTokenizer } from "../tokenizer/Tokenizer.ts"
import { loadQwen2Node, loadTokenizerNode } from "./modelNode.ts"

const asModelFileError = (path: string) => (e: unknown): ModelFileError =>
  e instanceof ModelFileError ? e : modelFileError(path, e instanceof Error ? e.message : String(e))

/**
 * Loads `dir` (and `adapterDir`) onto the `TensorBackend` of the context; the model is
 * disposed when the scope closes.
 *
 * @since 0.1.0
 * @category resources
 */
export const acquireQwen2Node = (
  dir: string,
  options: Omit<Qwen2ModelOptions, "lora" | "backend"> & { readonly adapterDir?: string } = {}
): Effect.Effect<Qwen2Model, ModelFileError, TensorBackend | Scope.Scope> =>
  Effect.gen(function*() {
    const backend = yield* TensorBackend
    return yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => loadQwen2Node(dir, { ...options, backend }), catch: asModelFileError(dir) }),
      (model) => Effect.sync(() => model.dispose())
    )
  })

/**
 * Loads the tokenizer of a directory.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadTokenizerEffectNode = (dir: string): Effect.Effect<TextTokenizer, ModelFileError> =>
  Effect.tryPromise({ try: () => loadTokenizerNode(dir), catch: asModelFileError(dir) })
