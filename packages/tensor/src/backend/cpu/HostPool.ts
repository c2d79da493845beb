/**
 * Freed host buffers kept for reuse, by exact byte size. A train step frees and allocates
 * the same sizes every step; a fresh ArrayBuffer of megabytes is new memory from the OS,
 * and the page faults of its first writes cost more than the kernel writing it (on the
 * development VM a 4 MiB attention output took 40 ms more on fresh pages). Reused buffers
 * are zero-filled, so an allocation reads as zeros either way.
 *
 * @since 0.2.0
 */
import { type HostBuffer, makeHostBuffer } from "./Storage.ts"

/**
 * Buffers smaller than this are left to the allocator. Decode's tensors are 4–32 KiB (8 rows
 * of 256–1,024 f32) and about 90 of them are made and dropped per step: pooled, each costs a
 * zero-fill instead of an ArrayBuffer, three typed arrays and their garbage collection.
 */
const DEFAULT_MIN_POOLED_BYTES = 1 << 12

/**
 * A pool holding at most `capacityBytes` of freed buffers (the oldest size is not
 * preferred; a buffer that does not fit is simply dropped).
 *
 * @since 0.2.0
 * @category models
 */
export interface HostPool {
  readonly take: (byteLength: number) => HostBuffer
  readonly give: (buffer: HostBuffer) => void
  readonly pooledBytes: () => number
  readonly clear: () => void
}

/** @since 0.2.0 @category constructors */
export const makeHostPool = (capacityBytes: number, minPooledBytes = DEFAULT_MIN_POOLED_BYTES): HostPool => {
  const free = new Map<number, Array<HostBuffer>>()
  let pooled = 0
  return {
    take: (byteLength) => {
      const list = byteLength >= minPooledBytes ? free.get(byteLength) : undefined
      const hb = list?.pop()
      if (hb === undefined) return makeHostBuffer(byteLength)
      pooled -= byteLength
      hb.f32.fill(0)
      return hb
    },
    give: (hb) => {
      const size = hb.f32.byteLength
      if (size < minPooledBytes || pooled + size > capacityBytes) return
      const list = free.get(size)
      if (list === undefined) free.set(size, [hb])
      else list.push(hb)
      pooled += size
    },
    pooledBytes: () => pooled,
    clear: () => {
      free.clear()
      pooled = 0
    }
  }
}
