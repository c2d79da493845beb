/**
 * The policy from a Hugging Face snapshot directory (Node): full fine-tuning, or LoRA
 * (continuing `adapterDir`, or fresh adapters, B = 0, seeded); or from a run's checkpoint.
 *
 * @since 0.1.0
 */
import { drgTinyTokenizer, initLoraModules, type LoraConfig, ModelFileError, modelFileError, Qwen2Model } from "@sapphire-rl/model"
import { loadTokenizerEffectNode, readLoraAdapterNode, readQwen2SnapshotNode } from "@sapphire-rl/model/node"
import { makePrng } from "@sapphire-rl/data"
import { TensorBackend } from "@sapphire-rl/tensor"
import { Effect, Layer } from "effect"
import { resolve } from "node:path"
import { PolicyModel } from "../PolicyModel.ts"
import type { RunConfig } from "../RunConfig.ts"

const fileError = (dir: string) => (e: unknown): ModelFileError =>
  e instanceof ModelFileError ? e : modelFileError(dir, e instanceof Error ? e.message : String(e))

/**
 * Loads `dir` onto the run's backend; released with the run's scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const policyModelFromDir = (
  dir: string,
  options: { readonly adapterDir?: string; readonly training: RunConfig["training"]; readonly seed: number }
): Layer.Layer<PolicyModel, ModelFileError, TensorBackend> =>
  Layer.effect(
    PolicyModel,
    Effect.gen(function*() {
      const backend = yield* TensorBackend
      const tokenizer = yield* loadTokenizerEffectNode(dir)
      const lora = options.training.mode === "lora"
      const model = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const { config, weights } = await readQwen2SnapshotNode(dir)
            if (!lora) return new Qwen2Model(config, weights, { backend, trainable: "base" })
            const loraConfig: LoraConfig = {
              rank: options.training.lora.rank,
              alpha: options.training.lora.alpha,
              targets: options.training.lora.targets,
              useRslora: false,
              layers: null,
              dropout: 0
            }
            const adapters = options.adapterDir === undefined
              ? { config: loraConfig, modules: initLoraModules(config, loraConfig, makePrng(options.seed).next) }
              : await readLoraAdapterNode(options.adapterDir, config)
            return new Qwen2Model(config, weights, {
              backend,
              lora: adapters,
              trainable: "lora",
              weightDtype: options.training.weightDtype
            })
          },
          catch: fileError(dir)
        }),
        (m) => Effect.sync(() => m.dispose())
      )
      yield* Effect.logInfo(`model: ${dir}${lora ? " (LoRA)" : ""}`)
      return PolicyModel.of({ model, tokenizer, source: dir, training: lora ? "lora" : "full" })
    })
  )

/**
 * The policy a run left in a checkpoint directory, for evaluation: a preset run's weights
 * with the drg-tiny tokenizer; a `{ dir }` run's full weights with the tokenizer of `dir`;
 * under LoRA, `dir` with the checkpoint's adapters. Nothing is trainable.
 *
 * @since 0.1.0
 * @category layers
 */
export const policyModelFromCheckpoint = (
  config: RunConfig,
  checkpointDir: string,
  options: { readonly cwd: string }
): Layer.Layer<PolicyModel, ModelFileError, TensorBackend> => {
  if ("dir" in config.model && config.training.mode === "lora") {
    return policyModelFromDir(resolve(options.cwd, config.model.dir), { adapterDir: checkpointDir, training: config.training, seed: config.seed })
  }
  const tokenizerDir = "dir" in config.model ? resolve(options.cwd, config.model.dir) : undefined
  return Layer.effect(
    PolicyModel,
    Effect.gen(function*() {
      const backend = yield* TensorBackend
      const tokenizer = tokenizerDir === undefined ? drgTinyTokenizer() : yield* loadTokenizerEffectNode(tokenizerDir)
      const model = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const { config: modelConfig, weights } = await readQwen2SnapshotNode(checkpointDir)
            return new Qwen2Model(modelConfig, weights, { backend, trainable: "none" })
          },
          catch: fileError(checkpointDir)
        }),
        (m) => Effect.sync(() => m.dispose())
      )
      yield* Effect.logInfo(`model: ${checkpointDir}${tokenizerDir === undefined ? " (drg-tiny tokenizer)" : ` (tokenizer of ${tokenizerDir})`}`)
      return PolicyModel.of({ model, tokenizer, source: checkpointDir, training: "full" })
    })
  )
}
