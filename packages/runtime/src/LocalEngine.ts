/**
 * The engine of a run that generates on its own device: `Engine` over the `PolicyModel`,
 * every call holding the `Device`.
 *
 * @since 0.1.0
 */
import { Engine, type GenerateOptions, makeLocalEngine } from "@sapphire-rl/engine"
import { Effect, Layer } from "effect"
import { Device } from "./Device.ts"
import { PolicyModel } from "./PolicyModel.ts"

/**
 * `Engine` from the run's policy model; generation and scoring wait for the device.
 *
 * @since 0.1.0
 * @category layers
 */
export const localEngineLayer = (options: GenerateOptions = {}): Layer.Layer<Engine, never, PolicyModel | Device> =>
  Layer.effect(
    Engine,
    Effect.gen(function*() {
      const { model, tokenizer } = yield* PolicyModel
      const device = yield* Device
      const local = makeLocalEngine(model, tokenizer, options)
      return Engine.of({
        generate: (requests) => device.use(local.generate(requests)),
        score: (requests) => device.use(local.score(requests))
      })
    })
  )
