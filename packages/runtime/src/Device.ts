/**
 * The compute device has one owner at a time. The tensor package keeps process-wide
 * state (the default backend, the `tidy` scope stack, the grad mode), so two fibers
 * interleaving a forward pass and a generation step would corrupt each other's scopes.
 * Every use of the device goes through `Device.use`, a one-permit semaphore; concurrency
 * goes where it pays instead: reward scoring, data loading, remote engines.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Semaphore } from "effect"

/**
 * Exclusive use of the device.
 *
 * @since 0.1.0
 * @category services
 */
export class Device extends Context.Service<Device, {
  /** Runs `effect` holding the device; other users wait. Not reentrant: do not nest. */
  readonly use: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Whether some fiber holds the device now (for tests and diagnostics). */
  readonly busy: Effect.Effect<boolean>
}>()("@sapphire-rl/runtime/Device") {
  /**
   * One permit.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer: Layer.Layer<Device> = Layer.effect(
    Device,
    Effect.gen(function*() {
      const permit = yield* Semaphore.make(1)
      let holders = 0
      return Device.of({
        use: (effect) =>
          Semaphore.withPermit(permit)(
            Effect.acquireUseRelease(
              Effect.sync(() => {
                holders++
              }),
              () => effect,
              () =>
                Effect.sync(() => {
                  holders--
                })
            )
          ),
        busy: Effect.sync(() => holders > 0)
      })
    })
  )
}
