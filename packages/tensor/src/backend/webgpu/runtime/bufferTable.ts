/**
 * Buffer handles: the ids the backend hands out, the pooled `GPUBuffer` behind each, windows
 * (sub-ranges bound as buffers of their own), out-of-memory scopes around allocation, and
 * the live-byte accounting.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../../BufferHandle.ts"
import type { MemoryStats } from "../../Backend.ts"
import { invalidCall, outOfMemory } from "../gpuErrors.ts"
import { makeBufferPool, sizeClass } from "./BufferPool.ts"
import type { DeviceHealth } from "./deviceHealth.ts"

/**
 * A byte range of a buffer bound as its own binding.
 *
 * @since 0.1.0
 * @category models
 */
export interface BufferRange {
  readonly offset: number
  readonly size: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface BufferTable {
  readonly allocate: (byteLength: number) => BufferHandle
  readonly free: (buffer: BufferHandle) => void
  /** The `GPUBuffer` behind a handle (a window's parent buffer); throws for a freed one. */
  readonly gpuOf: (buffer: BufferHandle) => GPUBuffer
  /** A window's range within its buffer; undefined for a whole buffer. */
  readonly rangeOf: (buffer: BufferHandle) => BufferRange | undefined
  readonly window: (buffer: BufferHandle, byteOffset: number, byteLength: number) => BufferHandle
  readonly dropWindow: (window: BufferHandle) => void
  readonly memory: () => MemoryStats
  /** Destroys pooled and live buffers (backend disposal). */
  readonly destroyAll: () => void
}

/**
 * Makes the table. A freed buffer the pool turns down goes to `retire`, which destroys it
 * once no unsubmitted command uses it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeBufferTable = (
  device: GPUDevice,
  health: DeviceHealth,
  retire: (buffer: GPUBuffer) => void,
  options: { label: string; poolLimitBytes?: number }
): BufferTable => {
  const maxBufferSize = device.limits.maxBufferSize
  const pool = makeBufferPool(device, options.label, options.poolLimitBytes)
  const handles = new Map<number, GPUBuffer>()
  const windows = new Map<number, { buffer: BufferHandle; offset: number; size: number }>()
  let nextId = 1
  let liveBytes = 0

  const gpuOf = (h: BufferHandle): GPUBuffer => {
    const w = windows.get(h.id)
    const b = handles.get(w === undefined ? h.id : w.buffer.id)
    if (b === undefined) throw invalidCall("webgpu", `buffer ${h.id} is not live (freed or foreign)`)
    return b
  }

  return {
    allocate: (byteLength) => {
      health.check()
      const size = sizeClass(byteLength)
      if (size > maxBufferSize) {
        throw outOfMemory(byteLength, `buffer of ${byteLength} bytes exceeds maxBufferSize ${maxBufferSize}`)
      }
      device.pushErrorScope("out-of-memory")
      const buffer = pool.acquire(byteLength)
      device.popErrorScope().then((err) => {
        if (err !== null) health.report(outOfMemory(byteLength, err.message))
      }, () => {})
      const id = nextId++
      handles.set(id, buffer)
      liveBytes += buffer.size
      return { id, byteLength: buffer.size }
    },
    free: (h) => {
      const b = handles.get(h.id)
      if (b === undefined) return
      handles.delete(h.id)
      liveBytes -= b.size
      // Safe to reuse at once: the queue runs work in order, so later users of this memory
      // (dispatches, writes, which flush first) come after the ones already enqueued.
      if (health.disposed() || pool.release(b)) return
      retire(b)
    },
    gpuOf,
    rangeOf: (h) => windows.get(h.id),
    window: (buffer, offset, size) => {
      gpuOf(buffer)
      const id = nextId++
      windows.set(id, { buffer, offset, size })
      return { id, byteLength: size }
    },
    dropWindow: (w) => {
      windows.delete(w.id)
    },
    memory: () => ({ liveBytes, pooledBytes: pool.pooledBytes(), liveBuffers: handles.size }),
    destroyAll: () => {
      pool.clear()
      for (const b of handles.values()) b.destroy()
      handles.clear()
    }
  }
}
