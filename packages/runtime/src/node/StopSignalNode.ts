/**
 * Ctrl-C (SIGINT) and SIGTERM as a stop request (Node): the first stops the run at the next
 * step boundary, with a checkpoint; a second Ctrl-C exits at once (status 130).
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { makeStopSignal, StopSignal } from "../StopSignal.ts"

/**
 * Installs the signal handlers for the layer's lifetime.
 *
 * @since 0.1.0
 * @category layers
 */
export const stopSignalLayerNode: Layer.Layer<StopSignal> = Layer.effect(
  StopSignal,
  Effect.gen(function*() {
    const stop = makeStopSignal()
    // The handler runs outside any fiber: give it the layer's context (logger settings included).
    const context = yield* Effect.context<never>()
    const onSignal = (name: NodeJS.Signals) => () => {
      if (stop.signal.aborted && name === "SIGINT") {
        process.stderr.write("second Ctrl-C: exiting without a checkpoint\n")
        process.exit(130)
      }
      Effect.runForkWith(context)(stop.request(name === "SIGINT" ? "Ctrl-C" : name))
    }
    const handlers = { SIGINT: onSignal("SIGINT"), SIGTERM: onSignal("SIGTERM") }
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        process.on("SIGINT", handlers.SIGINT)
        process.on("SIGTERM", handlers.SIGTERM)
      }),
      () =>
        Effect.sync(() => {
          process.off("SIGINT", handlers.SIGINT)
          process.off("SIGTERM", handlers.SIGTERM)
        })
    )
    return stop
  })
)
