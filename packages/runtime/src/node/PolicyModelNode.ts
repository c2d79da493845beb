/**
 * The policy from a Hugging Face snapshot directory (Node): full fine-tuning, or LoRA
 * (continuing `adapterDir`, or fresh adapters, B = 0, seeded).
 *
 * @since 0.1.0
 */
import { initLoraModules, type LoraConfig, ModelFileError, modelFileError, Qwen2Model } from "@sapphire-rl/model"
import { loadTokenizerEffectNode, readLoraAdapterNode, readQwen2SnapshotNode } from "@sapphire-rl/model/node"
import { makePrng } from "@sapphire-rl/data"
import { TensorBackend } from "@sapphire-rl/tensor"
import { Effect, Layer } from "effect"
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
