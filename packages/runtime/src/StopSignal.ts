/**
 * A request to stop at the next step boundary (Ctrl-C): loops poll it between steps, and
 * plugin hooks see it through their context's `AbortSignal`.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"

/**
 * The run's stop request.
 *
 * @since 0.1.0
 * @category services
 */
export class StopSignal extends Context.Service<StopSignal, {
  readonly requested: Effect.Effect<boolean>
  readonly request: (reason: string) => Effect.Effect<void>
  /** Aborted once a stop is requested. */
  readonly signal: AbortSignal
}>()("@sapphire-rl/runtime/StopSignal") {
  /**
   * A stop that only code requests (tests; `node/StopSignalNode.ts` adds Ctrl-C).
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer: Layer.Layer<StopSignal> = Layer.sync(StopSignal, () => makeStopSignal())
}

/**
 * A fresh stop signal.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStopSignal = (): StopSignal["Service"] => {
  const controller = new AbortController()
  return {
    requested: Effect.sync(() => controller.signal.aborted),
    request: (reason) =>
      Effect.suspend(() => {
        if (controller.signal.aborted) return Effect.void
        controller.abort(reason)
        return Effect.logWarning(`stop requested (${reason}): finishing the current step, then writing a checkpoint`)
      }),
    signal: controller.signal
  }
}
