/**
 * The engine as an Effect service, for the orchestration level: a run provides a layer
 * (a local model today; later a remote OpenAI-compatible server) and the trainer asks it
 * for rollouts and scores without knowing which.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import type { DecoderModel } from "./DecoderModel.ts"
import type { Detokenizer, GenerateOptions, GenerationRequest, GenerationResult } from "./Generate.ts"
import { generate } from "./Generate.ts"
import type { ScoreRequest } from "./Score.ts"
import { scoreCompletions } from "./Score.ts"

/**
 * Generation or scoring failed (a device error, an invalid request). `cause` keeps what was
 * thrown, so a caller can tell a lost device (the tensor package's `DeviceLost`, worth a
 * checkpoint and a restart) from a bad request.
 *
 * @since 0.1.0
 * @category errors
 */
export class EngineError extends Schema.TaggedError<EngineError>()("EngineError", {
  operation: Schema.Literals(["generate", "score"]),
  message: Schema.String,
  cause: Schema.Defect()
}) {}

/**
 * Whether an engine failure is the device being lost.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDeviceLost = (error: EngineError): boolean =>
  typeof error.cause === "object" && error.cause !== null && (error.cause as { _tag?: unknown })._tag === "DeviceLost"

/**
 * What the service offers.
 *
 * @since 0.1.0
 * @category models
 */
export interface EngineShape {
  readonly generate: (requests: ReadonlyArray<GenerationRequest>) => Effect.Effect<Array<GenerationResult>, EngineError>
  readonly score: (requests: ReadonlyArray<ScoreRequest>) => Effect.Effect<Array<Float32Array>, EngineError>
}

/**
 * The rollout engine of a run.
 *
 * @since 0.1.0
 * @category services
 */
export class Engine extends Context.Service<Engine, EngineShape>()("@sapphire-rl/engine/Engine") {}

const failure = (operation: "generate" | "score") => (cause: unknown) =>
  new EngineError({ operation, message: cause instanceof Error ? cause.message : String(cause), cause })

/**
 * An engine over a local model.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeLocalEngine = (model: DecoderModel, tokenizer: Detokenizer, options: GenerateOptions = {}): EngineShape => ({
  generate: (requests) =>
    Effect.tryPromise({ try: () => generate(model, tokenizer, requests, options), catch: failure("generate") }),
  score: (requests) => Effect.tryPromise({ try: () => scoreCompletions(model, requests), catch: failure("score") })
})

/**
 * A layer providing an engine over a local model.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLocal = (model: DecoderModel, tokenizer: Detokenizer, options: GenerateOptions = {}): Layer.Layer<Engine> =>
  Layer.succeed(Engine, makeLocalEngine(model, tokenizer, options))
