/**
 * The policy: a Qwen2 model on the run's `TensorBackend` and its tokenizer, as a scoped
 * resource (device memory freed when the run's scope closes). The layer graph is
 * Trainer / Engine → PolicyModel → TensorBackend: nothing builds a backend or a model by
 * hand and tears it down itself.
 *
 * @since 0.1.0
 */
import { drgTinyTokenizer, MODEL_PRESETS, Qwen2Model, randomQwen2Weights, type TextTokenizer } from "@sapphire-rl/model"
import { TensorBackend } from "@sapphire-rl/tensor"
import { Context, Effect, Layer } from "effect"

/**
 * What the service holds.
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyModelShape {
  readonly model: Qwen2Model
  readonly tokenizer: TextTokenizer
  /** Where the weights came from, for logs and the run directory. */
  readonly source: string
  readonly training: "full" | "lora"
}

/**
 * The run's policy model.
 *
 * @since 0.1.0
 * @category services
 */
export class PolicyModel extends Context.Service<PolicyModel, PolicyModelShape>()("@sapphire-rl/runtime/PolicyModel") {
  /**
   * A preset (`tiny-test`, `drg-small`) from seeded random weights with the drg-tiny
   * tokenizer, fully trainable: the default run trains from scratch.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerPreset = (preset: keyof typeof MODEL_PRESETS, seed: number): Layer.Layer<PolicyModel, never, TensorBackend> =>
    Layer.effect(
      PolicyModel,
      Effect.gen(function*() {
        const backend = yield* TensorBackend
        const config = MODEL_PRESETS[preset]
        const model = yield* Effect.acquireRelease(
          Effect.sync(() => new Qwen2Model(config, randomQwen2Weights(config, seed), { backend, trainable: "base" })),
          (m) => Effect.sync(() => m.dispose())
        )
        yield* Effect.logInfo(`model: preset ${preset} (random init, seed ${seed})`)
        return PolicyModel.of({ model, tokenizer: drgTinyTokenizer(), source: `preset ${preset} seed ${seed}`, training: "full" })
      })
    )

  /**
   * A model already made (tests, callers that load weights themselves); it is disposed
   * when the layer's scope closes.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerOf = (
    make: (backend: TensorBackend["Service"]) => Qwen2Model,
    tokenizer: TextTokenizer,
    source = "in memory"
  ): Layer.Layer<PolicyModel, never, TensorBackend> =>
    Layer.effect(
      PolicyModel,
      Effect.gen(function*() {
        const backend = yield* TensorBackend
        const model = yield* Effect.acquireRelease(Effect.sync(() => make(backend)), (m) => Effect.sync(() => m.dispose()))
        return PolicyModel.of({ model, tokenizer, source, training: model.lora === null ? "full" : "lora" })
      })
    )
}
