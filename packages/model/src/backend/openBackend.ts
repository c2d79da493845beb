/**
 * A tensor backend by name, for code outside Effect (CLIs, tests, benchmarks): builds the
 * tensor package's scoped `TensorBackend` layer and hands back the backend with a
 * `close` that releases it.
 *
 * @since 0.1.0
 */
import type { Backend } from "@sapphire-rl/tensor"
import { layerAuto, layerCpu, layerWebGpu, TensorBackend } from "@sapphire-rl/tensor"
import { Cause, Context, Effect, Exit, Layer, Logger, Scope } from "effect"

/**
 * Which backend: `auto` picks by capability (the tensor package's `layerAuto`: WebGPU on a
 * hardware adapter; the CPU backend when the only adapter is a software rasterizer and the
 * CPU has a BLAS or WASM GEMM, or when there is no adapter) and logs why.
 *
 * @since 0.1.0
 * @category models
 */
export type BackendName = "cpu" | "webgpu" | "auto"

/**
 * An open backend and its release.
 *
 * @since 0.1.0
 * @category models
 */
export interface OpenBackend {
  readonly backend: Backend
  readonly close: () => Promise<void>
}

/**
 * Opens a backend; rejects (with the tensor package's `BackendUnavailable`) when WebGPU
 * is asked for and there is no adapter, and with a `RangeError` for an unknown name.
 *
 * @since 0.1.0
 * @category constructors
 */
export const openBackend = async (name: BackendName): Promise<OpenBackend> => {
  // Names often come from a command line: one that is not a backend must not fall through to auto.
  const layer = name === "cpu" ? layerCpu : name === "webgpu" ? layerWebGpu() : name === "auto" ? layerAuto() : undefined
  if (layer === undefined) throw new RangeError(`unknown backend ${String(name)} (cpu, webgpu or auto)`)
  const scope = await Effect.runPromise(Scope.make())
  // The layers log which backend they chose: to stderr, so a CLI's stdout stays data only.
  const exit = await Effect.runPromiseExit(
    Layer.buildWithScope(layer, scope).pipe(Effect.provideService(Logger.LogToStderr, true))
  )
  if (Exit.isFailure(exit)) {
    await Effect.runPromise(Scope.close(scope, exit))
    throw Cause.squash(exit.cause)
  }
  return {
    backend: Context.get(exit.value, TensorBackend),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
