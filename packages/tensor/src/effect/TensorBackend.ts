/**
 * The backend as an Effect service. Each layer acquires a backend as a scoped resource
 * (disposed when the layer's scope closes) and installs it as the default backend for
 * tensor creation while it lives, restoring the previous default on release.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, type Scope } from "effect"
import type { Backend } from "../backend/Backend.ts"
import { makeCpuBackend } from "../backend/cpu/CpuBackend.ts"
import { selectGemm } from "../backend/cpu/gemm/selectGemm.ts"
import { describeAdapter, isSoftware, makeWebGpuBackend, requestWebGpuAdapter, type WebGpuBackendOptions } from "../backend/webgpu/index.ts"
import { BackendUnavailable, DeviceLost } from "../errors.ts"
import { setDefaultBackend } from "../tensor/defaultBackend.ts"
import { type AdapterSummary, chooseBackend } from "./chooseBackend.ts"

/**
 * The compute backend tensors run on.
 *
 * @since 0.1.0
 * @category services
 */
export class TensorBackend extends Context.Service<TensorBackend, Backend>()("@sapphire-rl/tensor/TensorBackend") {}

/** Acquire → install as default; release → restore the previous default, then dispose. */
const scoped = <E>(make: Effect.Effect<Backend, E>): Effect.Effect<Backend, E, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.map(make, (backend) => ({ backend, previous: setDefaultBackend(backend) })),
    ({ backend, previous }) =>
      Effect.sync(() => {
        setDefaultBackend(previous)
        backend.dispose()
      })
  ).pipe(Effect.map(({ backend }) => backend))

/**
 * The CPU reference backend.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCpu: Layer.Layer<TensorBackend> = Layer.effect(
  TensorBackend,
  scoped(Effect.sync(() => makeCpuBackend())).pipe(Effect.tap((b) => Effect.logInfo(`tensor backend: ${b.info.adapter}`)))
)

const toBackendError = (e: unknown): BackendUnavailable | DeviceLost =>
  e instanceof BackendUnavailable || e instanceof DeviceLost
    ? e
    : new BackendUnavailable({ backend: "webgpu", message: e instanceof Error ? e.message : String(e) })

/** A WebGPU backend as a scoped default (see `scoped`); a rejection becomes a typed error. */
const scopedWebGpu = (options: WebGpuBackendOptions): Effect.Effect<Backend, BackendUnavailable | DeviceLost, Scope.Scope> =>
  scoped(Effect.tryPromise({ try: (): Promise<Backend> => makeWebGpuBackend(options), catch: toBackendError }))

/**
 * The WebGPU backend (Dawn on Node, `navigator.gpu` on Deno); fails with
 * `BackendUnavailable` when there is no adapter.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebGpu = (options: WebGpuBackendOptions = {}): Layer.Layer<TensorBackend, BackendUnavailable | DeviceLost> =>
  Layer.effect(
    TensorBackend,
    scopedWebGpu(options).pipe(Effect.tap((b) => Effect.logInfo(`tensor backend: webgpu on ${b.info.adapter}`)))
  )

/** The adapter's description and whether it is a CPU rasterizer; an adapter without `info` counts as hardware. */
const summarize = (adapter: GPUAdapter): AdapterSummary => {
  try {
    return { description: describeAdapter(adapter), software: isSoftware(adapter) }
  } catch {
    return { description: "(no adapter info)", software: false }
  }
}

/** The CPU backend's GEMM, as `chooseBackend` weighs it; a forced but unavailable GEMM counts as none. */
const cpuGemm = (): { kind: "blas" | "wasm" | "js"; name: string } => {
  try {
    const s = selectGemm()
    return { kind: s.kind, name: s.provider?.name ?? "JavaScript kernels" }
  } catch (e) {
    return { kind: "js", name: e instanceof Error ? e.message : String(e) }
  }
}

/**
 * Picks by capability (`chooseBackend`): WebGPU on a hardware adapter; on a software
 * rasterizer (llvmpipe, SwiftShader, …) the CPU backend when it has the system BLAS or the
 * WASM GEMM; the CPU when there is no adapter or its device fails. Logs the choice and why
 * on one line.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAuto = (options: WebGpuBackendOptions = {}): Layer.Layer<TensorBackend> =>
  Layer.effect(
    TensorBackend,
    Effect.gen(function*() {
      const adapter = yield* Effect.promise(() => requestWebGpuAdapter(options).catch(() => null))
      const choice = chooseBackend(adapter === null ? null : summarize(adapter), cpuGemm())
      if (choice.backend === "webgpu") {
        const gpu = yield* Effect.result(scopedWebGpu(options))
        if (gpu._tag === "Success") {
          yield* Effect.logInfo(`tensor backend: webgpu on ${gpu.success.info.adapter} (auto: ${choice.reason})`)
          return gpu.success
        }
        yield* Effect.logWarning(
          `tensor backend: WebGPU adapter found but the device failed (${gpu.failure.message}); using the CPU`
        )
      }
      const cpu = yield* scoped(Effect.sync(() => makeCpuBackend()))
      const why = choice.backend === "cpu" ? choice.reason : "the WebGPU device failed"
      yield* Effect.logInfo(`tensor backend: ${cpu.info.adapter} (auto: ${why})`)
      return cpu
    })
  )
