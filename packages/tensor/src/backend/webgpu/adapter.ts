/**
 * Finding a WebGPU implementation and adapter on any runtime: `navigator.gpu` where it
 * exists (Deno, browsers), else Dawn on Node (loaded lazily from the Node-only file).
 *
 * @since 0.1.0
 */

/**
 * Options for choosing an adapter.
 *
 * @since 0.1.0
 * @category models
 */
export interface AdapterOptions {
  /** A WebGPU implementation; defaults to `navigator.gpu`, then Dawn on Node. */
  readonly gpu?: GPU
  readonly powerPreference?: GPUPowerPreference
}

const isNode = (): boolean => {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown }
  return g.Deno === undefined && typeof g.process?.versions?.node === "string"
}

/**
 * The WebGPU implementation for this runtime, or undefined when there is none.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolveGpu = async (gpu?: GPU): Promise<GPU | undefined> => {
  if (gpu !== undefined) return gpu
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator
  if (nav?.gpu !== undefined) return nav.gpu
  if (isNode()) {
    const { nodeGpu } = await import("./gpuNode.ts")
    return nodeGpu()
  }
  return undefined
}

/**
 * The adapter WebGPU offers, or null when there is none (no implementation, no driver).
 *
 * @since 0.1.0
 * @category constructors
 */
export const requestWebGpuAdapter = async (options: AdapterOptions = {}): Promise<GPUAdapter | null> => {
  try {
    const gpu = await resolveGpu(options.gpu)
    if (gpu === undefined) return null
    return await gpu.requestAdapter(
      options.powerPreference === undefined ? {} : { powerPreference: options.powerPreference }
    )
  } catch {
    return null
  }
}

/**
 * A readable adapter description: its name, then vendor, architecture, device and whether it
 * is a software rasterizer, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) [vendor mesa, arch
 * software, device llvmpipe-llvm-15-0-6-256-bits-, software]".
 *
 * @since 0.1.0
 * @category utils
 */
export const describeAdapter = (adapter: GPUAdapter): string => {
  const info = adapter.info
  const name = info.description || info.device || "unknown adapter"
  const extra = [
    info.vendor ? `vendor ${info.vendor}` : "",
    info.architecture ? `arch ${info.architecture}` : "",
    info.device && info.device !== name ? `device ${info.device}` : "",
    isSoftware(adapter) ? "software" : ""
  ].filter((s) => s !== "")
  const llvmpipe = /llvmpipe/i.test(name) ? "" : /llvmpipe/i.test(extra.join(" ")) ? " llvmpipe" : ""
  return `${name}${llvmpipe}${extra.length > 0 ? ` [${extra.join(", ")}]` : ""}`
}

/**
 * Whether the adapter is a CPU rasterizer (llvmpipe, lavapipe, SwiftShader, WARP): these
 * prefer register-tiled kernels over shared-memory tiling.
 *
 * @since 0.1.0
 * @category utils
 */
export const isSoftware = (adapter: GPUAdapter): boolean => {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }
  return (
    info.isFallbackAdapter === true ||
    /llvmpipe|lavapipe|swiftshader|warp|software/i.test(`${info.description} ${info.device} ${info.architecture}`)
  )
}
