import { describe, expect, it } from "vitest"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"

describe("cpu buffer pool", () => {
  it("reuses freed buffers of the same size, zeroed, and counts them as pooled", async () => {
    const be = makeCpuBackend()
    const size = 1 << 20
    const a = be.allocate(size)
    be.write(a, new Float32Array(size / 4).fill(3))
    be.free(a)
    expect(be.memory()).toEqual({ liveBytes: 0, pooledBytes: size, liveBuffers: 0 })
    const b = be.allocate(size)
    expect(be.memory().pooledBytes).toBe(0)
    const bytes = new Float32Array(await be.read(b))
    expect(bytes.every((x) => x === 0)).toBe(true)
    // Buffers under 4 KiB are not pooled; 4 KiB ones (decode's small tensors) are.
    be.free(be.allocate(1024))
    expect(be.memory().pooledBytes).toBe(0)
    be.free(be.allocate(4096))
    expect(be.memory().pooledBytes).toBe(4096)
    be.dispose()
    const coarse = makeCpuBackend({ minPooledBytes: 1 << 16 })
    coarse.free(coarse.allocate(1 << 15))
    expect(coarse.memory().pooledBytes).toBe(0)
  })

  it("keeps at most poolBytes; 0 disables it", () => {
    const capped = makeCpuBackend({ poolBytes: 3 << 16 })
    const handles = [0, 1, 2, 3].map(() => capped.allocate(1 << 16))
    for (const h of handles) capped.free(h)
    expect(capped.memory().pooledBytes).toBe(3 << 16)
    const off = makeCpuBackend({ poolBytes: 0 })
    off.free(off.allocate(1 << 20))
    expect(off.memory().pooledBytes).toBe(0)
  })
})
