/**
 * The run's tensor backend as a layer, by the name a config or CLI gives.
 *
 * @since 0.1.0
 */
import { type BackendUnavailable, type DeviceLost, layerAuto, layerCpu, layerWebGpu, type TensorBackend } from "@sapphire-rl/tensor"
import type { Layer } from "effect"

/**
 * `cpu`, `webgpu` (fails with `BackendUnavailable` without an adapter) or `auto` (WebGPU
 * when an adapter works, else the CPU, saying which). Scoped: the backend is disposed,
 * and the previous default restored, when the run's scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const backendLayer = (name: "auto" | "webgpu" | "cpu"): Layer.Layer<TensorBackend, BackendUnavailable | DeviceLost> =>
  name === "cpu" ? layerCpu : name === "webgpu" ? layerWebGpu() : layerAuto()
