/**
 * The dispatch engine under the WebGPU backend, assembled from one part per concern:
 * buffer handles over a pool (`runtime/bufferTable.ts`), binding planning
 * (`runtime/bindingPlan.ts`), pipeline and bind-group caches (`runtime/pipelineCache.ts`),
 * batched command encoding with a uniform arena (`runtime/commandBatch.ts`), read-back
 * (`runtime/readBack.ts`), and device loss / asynchronous errors surfaced as typed errors
 * (`runtime/deviceHealth.ts`).
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../BufferHandle.ts"
import type { MemoryStats } from "../Backend.ts"
import { type DispatchSpec, MAX_UNIFORM_WORDS } from "./DispatchSpec.ts"
import { invalidCall } from "./gpuErrors.ts"
import { planBindings } from "./runtime/bindingPlan.ts"
import { makeBufferTable } from "./runtime/bufferTable.ts"
import { makeCommandBatch } from "./runtime/commandBatch.ts"
import { makeDeviceHealth } from "./runtime/deviceHealth.ts"
import { makePipelineCache } from "./runtime/pipelineCache.ts"
import { makeReadBack } from "./runtime/readBack.ts"
import { UNIFORM_WORDS } from "./wgslHeader.ts"

/**
 * The engine.
 *
 * @since 0.1.0
 * @category models
 */
export interface Runtime {
  readonly device: GPUDevice
  readonly nativeF16: boolean
  readonly maxStorageBufferBindingSize: number
  readonly allocate: (byteLength: number) => BufferHandle
  readonly free: (buffer: BufferHandle) => void
  readonly writeRaw: (buffer: BufferHandle, data: ArrayBufferView, byteOffset: number) => void
  /** Throws if the backend is disposed or the device lost (for work queued before encoding). */
  readonly check: () => void
  readonly run: (spec: DispatchSpec) => void
  readonly flush: () => void
  readonly read: (buffer: BufferHandle, byteOffset: number, byteLength: number) => Promise<ArrayBuffer>
  readonly memory: () => MemoryStats
  readonly dispose: () => void
  /**
   * A handle onto bytes [byteOffset, byteOffset + byteLength) of a buffer, bound as its own
   * range (for views into buffers larger than the binding limit); drop it after dispatching.
   */
  readonly window: (buffer: BufferHandle, byteOffset: number, byteLength: number) => BufferHandle
  readonly dropWindow: (window: BufferHandle) => void
  /** Counters for tests and benchmarks. */
  readonly stats: () => { pipelines: number; bindGroups: number; submits: number; dispatches: number }
}

/**
 * Makes the engine on a device. `label` names the buffers (debugging).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRuntime = (
  device: GPUDevice,
  options: { nativeF16: boolean; label: string; poolLimitBytes?: number }
): Runtime => {
  const { nativeF16, label } = options
  const limits = device.limits
  const health = makeDeviceHealth(device)
  const batch = makeCommandBatch(device, label)
  const buffers = makeBufferTable(device, health, batch.retire, {
    label,
    ...(options.poolLimitBytes === undefined ? {} : { poolLimitBytes: options.poolLimitBytes })
  })
  const caches = makePipelineCache(device, buffers, batch.uniforms, { nativeF16, label })
  const readBack = makeReadBack(device, health, buffers, batch, label)

  const run = (spec: DispatchSpec): void => {
    health.check()
    const g = spec.groups
    const maxGroups = limits.maxComputeWorkgroupsPerDimension
    // Past the limit the dispatch would be a validation error failing the whole batch's submit.
    if (typeof g !== "number" && g.some((n) => n > maxGroups)) {
      throw invalidCall(spec.kernel, `workgroup grid ${g.join(" x ")} exceeds ${maxGroups} per dimension`)
    }
    const uniformWords = spec.uniformWords ?? UNIFORM_WORDS
    const plan = planBindings(spec, uniformWords)
    const limit = limits.maxStorageBuffersPerShaderStage
    if (plan.phys.length > limit) throw invalidCall(spec.kernel, `needs ${plan.phys.length} storage buffers, limit ${limit}`)
    if (uniformWords % UNIFORM_WORDS !== 0 || uniformWords > MAX_UNIFORM_WORDS) {
      throw invalidCall(spec.kernel, `uniform block of ${uniformWords} words`)
    }
    if (spec.uniforms.length > uniformWords) throw invalidCall(spec.kernel, "too many uniform words")
    const p = caches.pipelineFor(spec, plan, uniformWords)
    const bg = caches.bindGroupFor(p, plan.phys)
    batch.dispatch(p.pipeline, bg, spec.uniforms, uniformWords, g)
  }

  return {
    device,
    nativeF16,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    allocate: buffers.allocate,
    free: buffers.free,
    writeRaw: (h, data, byteOffset) => {
      health.check()
      const b = buffers.gpuOf(h)
      // Enqueued dispatches must run before this write lands.
      batch.submit()
      device.queue.writeBuffer(b, byteOffset, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    },
    check: health.check,
    run,
    flush: () => {
      health.check()
      batch.submit()
    },
    read: readBack.read,
    memory: buffers.memory,
    dispose: () => {
      if (health.disposed()) return
      batch.submit()
      health.markDisposed()
      buffers.destroyAll()
      readBack.dispose()
      batch.dispose()
      device.destroy()
    },
    window: buffers.window,
    dropWindow: buffers.dropWindow,
    stats: () => ({ ...caches.stats(), ...batch.stats() })
  }
}
