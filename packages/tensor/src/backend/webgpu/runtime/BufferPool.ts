/**
 * GPU buffer pool keyed by size class, so the allocate/free churn of a training step reuses
 * device memory instead of creating buffers (creation is slow and fragments memory).
 *
 * @since 0.1.0
 */

/** Storage buffers are also copy source/destination (write, read, copies). */
const STORAGE_USAGE = 0x80 | 0x04 | 0x08

/**
 * Rounds a request up to a size class: powers of two subdivided in quarters (at most 25%
 * waste), never below 256 bytes (small buffers are common and cheap to round).
 *
 * @since 0.1.0
 * @category utils
 */
export const sizeClass = (byteLength: number): number => {
  const n = Math.max(256, Math.ceil(byteLength / 4) * 4)
  const p = 2 ** Math.floor(Math.log2(n))
  if (p === n) return n
  const quarter = p / 4
  return Math.ceil(n / quarter) * quarter
}

/**
 * A pool of storage buffers.
 *
 * @since 0.1.0
 * @category models
 */
export interface BufferPool {
  /** A buffer of exactly `sizeClass(byteLength)` bytes, reused when one is free. */
  readonly acquire: (byteLength: number) => GPUBuffer
  /** Keeps a freed buffer for reuse and returns true, or returns false when the pool is full:
   * the caller then destroys it (once no unsubmitted command uses it). */
  readonly release: (buffer: GPUBuffer) => boolean
  readonly pooledBytes: () => number
  /** Destroys the pooled buffers (the ones handed out are the caller's). */
  readonly clear: () => void
}

/**
 * Makes a pool on `device` holding at most `limitBytes` of freed buffers (beyond that,
 * `release` turns them down).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeBufferPool = (device: GPUDevice, label: string, limitBytes = 2 ** 30): BufferPool => {
  const free = new Map<number, Array<GPUBuffer>>()
  let pooled = 0
  return {
    acquire: (byteLength) => {
      const size = sizeClass(byteLength)
      const list = free.get(size)
      const reused = list?.pop()
      if (reused !== undefined) {
        pooled -= size
        return reused
      }
      return device.createBuffer({ size, usage: STORAGE_USAGE, label })
    },
    release: (buffer) => {
      const size = buffer.size
      // Bounded: shapes that stop recurring (another sequence length) must not pin memory.
      if (pooled + size > limitBytes) return false
      let list = free.get(size)
      if (list === undefined) {
        list = []
        free.set(size, list)
      }
      list.push(buffer)
      pooled += size
      return true
    },
    pooledBytes: () => pooled,
    clear: () => {
      for (const list of free.values()) for (const b of list) b.destroy()
      free.clear()
      pooled = 0
    }
  }
}
