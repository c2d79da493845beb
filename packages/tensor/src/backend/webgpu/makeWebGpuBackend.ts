/**
 * The WebGPU backend: a `Backend` over any `GPU` (Dawn on Node, `navigator.gpu` on Deno).
 *
 * @since 0.1.0
 */
import { BackendUnavailable } from "../../errors.ts"
import type { Backend, BufferHandle } from "../Backend.ts"
import type { KernelCall } from "../Kernel.ts"
import { type AdapterOptions, describeAdapter, isSoftware, resolveGpu } from "./adapter.ts"
import { validate } from "../cpu/validate.ts"
import type { KernelContext, MatmulVariant } from "./KernelContext.ts"
import { kernelTable } from "./kernelTable.ts"
import { invalidCall } from "./gpuErrors.ts"
import { spanBytes, splitMatmul, windowCall } from "./largeBuffers.ts"
import { type Fuser, makeFuser } from "./fusion.ts"
import { makeRuntime, type Runtime } from "./Runtime.ts"

/**
 * Options of `makeWebGpuBackend`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebGpuBackendOptions extends AdapterOptions {
  /** Names device objects in validation messages. */
  readonly label?: string
  /** Ignore `shader-f16` even when present (tests the packed-u32 f16 path). */
  readonly emulateF16?: boolean
  /** Force a matmul variant instead of the per-adapter choice (tests, benchmarks). */
  readonly matmul?: MatmulVariant
  /** Attention forward variant instead of the per-adapter choice (tests, benchmarks). */
  readonly attention?: "thread" | "tiled"
  /** Most bytes of freed buffers kept for reuse (default 1 GiB). */
  readonly poolLimitBytes?: number
  /** Check every call against its contract (shapes, bounds) before encoding; default true.
   * Without it an out-of-bounds view reads or writes clamped garbage instead of throwing. */
  readonly validate?: boolean
  /** Bind buffers larger than this many bytes through windows (default: the device's
   * maxStorageBufferBindingSize; lower it to test the windowing). */
  readonly maxBindingSize?: number
  /** Storage buffers one kernel may bind (default: the device's maxStorageBuffersPerShaderStage;
   * lower it to test the kernels that split their work to fit fewer, e.g. `ropeKvWrite`). */
  readonly maxStorageBuffers?: number
  /** Force one thread per row (true) or one workgroup per row (false) in row kernels
   * (softmax, RMSNorm, log-prob gather) with many rows; default: per adapter. */
  readonly rowsPerThread?: boolean
  /** Defer small pointwise calls (fill, copy, unary, binary, where) and run each repeated
   * run of them as one dispatch (see `fusion.ts`); default true. */
  readonly fuse?: boolean
  /** Largest pointwise call (elements) that joins a group run by one workgroup (default
   * 4096); larger calls fuse only where each invocation can run one element index through
   * the whole group (see `fusedKernel.ts`). */
  readonly fuseMaxElements?: number
  /** A fused group's shader is compiled the n-th time the same group is flushed (default
   * 2: a one-off group runs call by call instead of paying for a compile). */
  readonly fuseAfter?: number
  /** Most calls per fused group (default 16: llvmpipe's compile time grows faster than
   * linearly with the barriers of a group, ≈ 0.15 s at 8 calls, 0.4 s at 16, 10 s at 64). */
  readonly fuseMaxOps?: number
}

/**
 * The WebGPU backend with extra, backend-specific handles (runtime counters).
 *
 * @since 0.1.0
 * @category models
 */
export interface WebGpuBackend extends Backend {
  /** Pipelines, bind groups, submits and dispatches (GPU launches) so far; `kernelCalls`
   * counts `dispatch` calls, `fusedGroups` the launches that ran `fusedOps` calls fused. */
  readonly stats: () => WebGpuStats
  readonly device: GPUDevice
}

/**
 * Counters of a WebGPU backend.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebGpuStats {
  readonly pipelines: number
  readonly bindGroups: number
  readonly submits: number
  readonly dispatches: number
  readonly kernelCalls: number
  readonly fusedGroups: number
  readonly fusedOps: number
}

const LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupSizeZ",
  "maxComputeWorkgroupsPerDimension"
] as const

/**
 * Opens the adapter's device with its real limits and the `shader-f16` / `subgroups`
 * features when offered. Throws `BackendUnavailable` when there is no adapter.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWebGpuBackend = async (options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> => {
  const gpu = await resolveGpu(options.gpu)
  if (gpu === undefined) {
    throw new BackendUnavailable({ backend: "webgpu", message: "no WebGPU implementation on this runtime" })
  }
  const adapter = await gpu.requestAdapter(
    options.powerPreference === undefined ? {} : { powerPreference: options.powerPreference }
  )
  if (adapter === null) throw new BackendUnavailable({ backend: "webgpu", message: "no WebGPU adapter" })
  const wanted: Array<GPUFeatureName> = []
  const nativeF16 = adapter.features.has("shader-f16") && options.emulateF16 !== true
  if (nativeF16) wanted.push("shader-f16")
  if (adapter.features.has("subgroups")) wanted.push("subgroups" as GPUFeatureName)
  const requiredLimits: Record<string, number> = {}
  for (const k of LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[k]
    if (typeof v === "number") requiredLimits[k] = v
  }
  const label = options.label ?? "sapphire"
  const device = await adapter.requestDevice({ requiredFeatures: wanted, requiredLimits, label })
  const rt = makeRuntime(device, {
    nativeF16,
    label,
    ...(options.poolLimitBytes === undefined ? {} : { poolLimitBytes: options.poolLimitBytes })
  })
  const software = isSoftware(adapter)
  const ctx: KernelContext = {
    rt,
    matmul: options.matmul ?? (software ? "register" : "tiled"),
    software: options.rowsPerThread ?? software,
    attention: options.attention ?? (software ? "thread" : "tiled"),
    maxWorkgroupStorage: device.limits.maxComputeWorkgroupStorageSize,
    maxBinding: Math.min(options.maxBindingSize ?? Infinity, device.limits.maxStorageBufferBindingSize),
    maxStorageBuffers: Math.min(options.maxStorageBuffers ?? Infinity, device.limits.maxStorageBuffersPerShaderStage),
    align: device.limits.minStorageBufferOffsetAlignment
  }
  const fuser = options.fuse === false ? undefined : makeFuser(rt, {
    maxBindings: device.limits.maxStorageBuffersPerShaderStage,
    maxBindingBytes: ctx.maxBinding,
    maxElements: options.fuseMaxElements ?? 4096,
    maxOps: options.fuseMaxOps ?? 16,
    fuseAfter: options.fuseAfter ?? 2
  })
  return assemble(rt, ctx, fuser, options.validate ?? true, {
    name: "webgpu",
    adapter: describeAdapter(adapter),
    nativeF16,
    limits: {
      maxBufferSize: device.limits.maxBufferSize,
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      maxStorageBuffersPerShaderStage: device.limits.maxStorageBuffersPerShaderStage
    }
  })
}

const assemble = (
  rt: Runtime,
  ctx: KernelContext,
  fuser: Fuser | undefined,
  check: boolean,
  info: Backend["info"]
): WebGpuBackend => {
  const { maxBinding, align } = ctx
  let kernelCalls = 0
  const write = (buffer: BufferHandle, data: ArrayBufferView, byteOffset = 0): void => {
    const len = data.byteLength
    if (len === 0) return
    fuser?.flush()
    if (byteOffset % 4 === 0 && len % 4 === 0) {
      rt.writeRaw(buffer, data, byteOffset)
      return
    }
    if (byteOffset % 2 !== 0 || len % 2 !== 0) {
      throw invalidCall("write", "writes must be 2-byte aligned (f16 granularity)")
    }
    // WebGPU copies whole 4-byte words: upload into a scratch buffer, then move the f16
    // elements with the copy kernel so the neighbouring half-words stay intact.
    const padded = new Uint8Array(Math.ceil(len / 4) * 4)
    padded.set(new Uint8Array(data.buffer, data.byteOffset, len))
    const tmp = rt.allocate(padded.byteLength)
    rt.writeRaw(tmp, padded, 0)
    const n = len / 2
    try {
      dispatch({
        kernel: "copy",
        x: { buffer: tmp, dtype: "f16", shape: [n], strides: [1], offset: 0 },
        out: { buffer, dtype: "f16", shape: [n], strides: [1], offset: byteOffset / 2 }
      })
      fuser?.flush()
    } finally {
      // Also when the copy is rejected (a range past the end of the buffer).
      rt.free(tmp)
    }
  }
  const dispatch = (call: KernelCall): void => {
    if (check) validate(call)
    kernelCalls++
    if (fuser !== undefined) {
      if (fuser.offer(call)) return
      fuser.flush()
    }
    if (
      call.kernel === "matmul" &&
      [call.a, call.b, call.out].some((v) => v.buffer.byteLength > maxBinding && spanBytes(v) > maxBinding)
    ) {
      for (const part of splitMatmul(call, maxBinding)) dispatchOne(part)
      return
    }
    dispatchOne(call)
  }
  const dispatchOne = (call: KernelCall): void => {
    const run = kernelTable[call.kernel] as (ctx: KernelContext, call: KernelCall) => void
    const w = windowCall(rt, call, maxBinding, align)
    if (w === undefined) {
      run(ctx, call)
      return
    }
    try {
      run(ctx, w.call)
    } finally {
      for (const h of w.windows) rt.dropWindow(h)
    }
  }
  return {
    info,
    allocate: rt.allocate,
    free: (buffer) => {
      if (fuser?.touches(buffer) === true) fuser.flush()
      rt.free(buffer)
    },
    write,
    dispatch,
    flush: () => {
      fuser?.flush()
      rt.flush()
    },
    // Async, so an error encoding the queue rejects the read like any other device error.
    read: async (buffer, byteOffset = 0, byteLength) => {
      fuser?.flush()
      return rt.read(buffer, byteOffset, byteLength ?? buffer.byteLength - byteOffset)
    },
    memory: rt.memory,
    dispose: () => {
      // Queued work is dropped with the device; encoding it now could only fail.
      rt.dispose()
    },
    stats: () => ({ ...rt.stats(), kernelCalls, fusedGroups: 0, fusedOps: 0, ...fuser?.stats() }),
    device: rt.device
  }
}
