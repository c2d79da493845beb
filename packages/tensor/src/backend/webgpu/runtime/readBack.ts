/**
 * Read-back: copy a buffer range into a mappable staging buffer behind the queued work,
 * map it, and return the bytes; small staging buffers are kept per size class, since small
 * read-backs (item(), losses) repeat.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../../BufferHandle.ts"
import { deviceLost, invalidCall } from "../gpuErrors.ts"
import type { BufferTable } from "./bufferTable.ts"
import { sizeClass } from "./BufferPool.ts"
import type { CommandBatch } from "./commandBatch.ts"
import type { DeviceHealth } from "./deviceHealth.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface ReadBack {
  /** Waits for all queued work and returns a copy of the bytes. */
  readonly read: (buffer: BufferHandle, byteOffset: number, byteLength: number) => Promise<ArrayBuffer>
  readonly dispose: () => void
}

/** Staging buffers kept per size class, and the largest size class kept. */
const KEEP_PER_SIZE = 4
const KEEP_MAX_BYTES = 1 << 24

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeReadBack = (
  device: GPUDevice,
  health: DeviceHealth,
  buffers: BufferTable,
  batch: CommandBatch,
  label: string
): ReadBack => {
  const stagingPool = new Map<number, Array<GPUBuffer>>()
  return {
    read: async (h, byteOffset, byteLength) => {
      health.check()
      const b = buffers.gpuOf(h)
      const start = Math.floor(byteOffset / 4) * 4
      const end = Math.ceil((byteOffset + byteLength) / 4) * 4
      if (end > b.size) throw invalidCall("read", `range ${byteOffset}+${byteLength} exceeds buffer of ${b.size} bytes`)
      const size = sizeClass(Math.max(4, end - start))
      const staging = stagingPool.get(size)?.pop() ??
        device.createBuffer({ size, usage: 0x01 | 0x08, label: `${label}/staging` })
      batch.copyAndSubmit(b, start, staging, 0, end - start)
      try {
        await staging.mapAsync(1)
      } catch (e) {
        staging.destroy()
        health.check()
        health.throwReported()
        throw deviceLost(`mapAsync failed: ${String(e)}`)
      }
      const bytes = staging.getMappedRange().slice(byteOffset - start, byteOffset - start + byteLength)
      staging.unmap()
      const list = stagingPool.get(size) ?? []
      if (list.length < KEEP_PER_SIZE && size <= KEEP_MAX_BYTES) {
        list.push(staging)
        stagingPool.set(size, list)
      } else {
        staging.destroy()
      }
      health.check()
      health.throwReported()
      return bytes
    },
    dispose: () => {
      for (const list of stagingPool.values()) for (const b of list) b.destroy()
      stagingPool.clear()
    }
  }
}
