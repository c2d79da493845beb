/**
 * WebGPU backend mechanics: pooled memory stays flat over long dispatch/allocate/free
 * loops, work is batched into few submits with cached pipelines, typed errors, and the
 * packed-u32 f16 path used on adapters without `shader-f16`.
 */
import { afterAll, beforeAll, expect, it } from "vitest"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { makeWebGpuBackend, type WebGpuBackend } from "../src/backend/webgpu/index.ts"
import { close, describeWebGpu, type Pair, permute, randoms, run, scratch, upload, view } from "./webgpuHarness.ts"

describeWebGpu("webgpu backend", {
  timeout: 120_000
}, () => {
  let gpu: WebGpuBackend
  let emu: WebGpuBackend
  beforeAll(async () => {
    gpu = await makeWebGpuBackend({ label: "backend-test" })
    emu = await makeWebGpuBackend({ label: "emulated-f16", emulateF16: true })
  })
  afterAll(() => {
    gpu?.dispose()
    emu?.dispose()
  })

  it("keeps pooled and live memory flat over a long dispatch/allocate/free loop", async () => {
    const f32 = (b: ReturnType<typeof gpu.allocate>, shape: Array<number>) => ({
      buffer: b,
      dtype: "f32" as const,
      shape,
      strides: shape.length === 1 ? [1] : [shape[1]!, 1],
      offset: 0
    })
    const step = (i: number) => {
      // Sizes vary within a few size classes, as a training step's temporaries do.
      const n = 1000 + (i % 7) * 300
      const a = gpu.allocate(n * 4)
      const b = gpu.allocate(n * 4)
      gpu.write(a, new Float32Array(n).fill(i))
      gpu.dispatch({ kernel: "fill", out: f32(b, [n]), value: 1 })
      gpu.dispatch({ kernel: "binary", op: "add", a: f32(a, [n]), b: f32(b, [n]), out: f32(a, [n]) })
      const c = gpu.allocate(32 * 32 * 4)
      gpu.dispatch({ kernel: "matmul", a: f32(a, [32, 31]), b: f32(b, [31, 32]), out: f32(c, [32, 32]) })
      gpu.dispatch({ kernel: "embeddingBackward", ids: { ...f32(b, [8]), dtype: "i32" }, dy: f32(a, [8, 4]), dtable: f32(c, [16, 4]) })
      gpu.free(a)
      gpu.free(b)
      gpu.free(c)
    }
    const base = gpu.memory()
    for (let i = 0; i < 50; i++) step(i)
    await gpu.read(gpu.allocate(4)).then(() => {})
    const warm = gpu.memory()
    for (let i = 50; i < 1050; i++) step(i)
    const probe = gpu.allocate(16)
    await gpu.read(probe)
    gpu.free(probe)
    const after = gpu.memory()
    // Only the 4-byte probe of the warm-up stays live; the pool does not grow after warm-up.
    expect(after.liveBuffers).toBe(base.liveBuffers + 1)
    expect(after.liveBytes).toBe(warm.liveBytes)
    expect(after.pooledBytes).toBeLessThanOrEqual(warm.pooledBytes + 256)
  })

  it("keeps at most poolLimitBytes of freed buffers", async () => {
    const capped = await makeWebGpuBackend({ label: "capped", poolLimitBytes: 64 * 1024 })
    try {
      const bufs = Array.from({ length: 10 }, () => capped.allocate(16 * 1024))
      for (const b of bufs) capped.free(b)
      const m = capped.memory()
      expect(m.liveBytes).toBe(0)
      expect(m.pooledBytes).toBeLessThanOrEqual(64 * 1024)
      expect(m.pooledBytes).toBeGreaterThan(0)
    } finally {
      capped.dispose()
    }
  })

  it("a freed buffer the full pool gives up stays alive until the work queued on it is submitted", async () => {
    // Pool limit 0: every freed buffer is destroyed rather than kept. Fusion off, so the fill
    // and copy are encoded (not yet submitted) when `a` is freed.
    const noPool = await makeWebGpuBackend({ label: "no-pool", poolLimitBytes: 0, fuse: false })
    try {
      const n = 64
      const v = (b: ReturnType<typeof noPool.allocate>) => ({ buffer: b, dtype: "f32" as const, shape: [n], strides: [1], offset: 0 })
      const a = noPool.allocate(n * 4)
      const b = noPool.allocate(n * 4)
      noPool.dispatch({ kernel: "fill", out: v(a), value: 3 })
      noPool.dispatch({ kernel: "copy", x: v(a), out: v(b) })
      noPool.free(a)
      // Temporaries freed inside a kernel take the same path: a transposed B with many rows
      // of A is staged into a scratch buffer on CPU rasterizers (register matmul).
      const k = 72
      const sq = (buf: ReturnType<typeof noPool.allocate>, strides: Array<number>) => ({ buffer: buf, dtype: "f32" as const, shape: [k, k], strides, offset: 0 })
      const m = noPool.allocate(k * k * 4)
      const o = noPool.allocate(k * k * 4)
      noPool.dispatch({ kernel: "fill", out: sq(m, [k, 1]), value: 1 })
      noPool.dispatch({ kernel: "matmul", a: sq(m, [k, 1]), b: sq(m, [1, k]), out: sq(o, [k, 1]) })
      expect(Array.from(new Float32Array(await noPool.read(b, 4, 8)))).toEqual([3, 3]) // copied before a was freed
      expect(Array.from(new Float32Array(await noPool.read(o, 0, 8)))).toEqual([k, k]) // sums of k ones: exact
      expect(noPool.memory().pooledBytes).toBe(0)
      for (const x of [b, m, o]) noPool.free(x)
    } finally {
      noPool.dispose()
    }
  })

  it("batches many small ops into few submits and reuses pipelines and bind groups", async () => {
    const n = 64
    const a = gpu.allocate(n * 4)
    const one = gpu.allocate(n * 4)
    const v = { buffer: a, dtype: "f32" as const, shape: [n], strides: [1], offset: 0 }
    gpu.write(a, new Float32Array(n).fill(1))
    gpu.write(one, new Float32Array(n).fill(1))
    await gpu.read(a, 0, 4)
    const s0 = gpu.stats()
    for (let i = 0; i < 1000; i++) gpu.dispatch({ kernel: "binary", op: "add", a: v, b: { ...v, buffer: one }, out: v })
    const r = new Float32Array(await gpu.read(a))
    const s1 = gpu.stats()
    expect([...r]).toEqual(new Array(n).fill(1001)) // in-order execution of 1000 dependent adds
    expect(s1.kernelCalls - s0.kernelCalls).toBe(1000)
    // Fusion (on by default) runs repeated groups of the 1000 calls as one launch each.
    expect(s1.dispatches - s0.dispatches).toBe(1000 - (s1.fusedOps - s0.fusedOps) + (s1.fusedGroups - s0.fusedGroups))
    expect(s1.submits - s0.submits).toBeLessThanOrEqual(Math.ceil(1000 / 128) + 1)
    expect(s1.pipelines - s0.pipelines).toBeLessThanOrEqual(1)
    expect(s1.bindGroups - s0.bindGroups).toBeLessThanOrEqual(1)
    gpu.free(a)
    gpu.free(one)
  })

  it("raises typed errors: OutOfMemory, InvalidKernelCall, use after dispose", async () => {
    expect(() => gpu.allocate(2 ** 52)).toThrow(expect.objectContaining({ _tag: "OutOfMemory" }))
    const a = gpu.allocate(64)
    const v = (shape: Array<number>) => ({ buffer: a, dtype: "f32" as const, shape, strides: shape.map(() => 1), offset: 0 })
    expect(() => gpu.dispatch({ kernel: "matmul", a: v([2, 3]), b: v([4, 2]), out: v([2, 2]) })).toThrow(
      expect.objectContaining({ _tag: "InvalidKernelCall" })
    )
    // A view past the end of its buffer is rejected before encoding (not read clamped).
    expect(() => gpu.dispatch({ kernel: "unary", op: "neg", x: { ...v([4]), offset: a.byteLength / 4 - 2 }, out: v([4]) })).toThrow(
      expect.objectContaining({ _tag: "InvalidKernelCall" })
    )
    // A half-word write past the end is rejected, and its staging buffer is not left behind.
    const live = gpu.memory().liveBuffers
    expect(() => gpu.write(a, new Uint16Array(3), a.byteLength - 2)).toThrow(expect.objectContaining({ _tag: "InvalidKernelCall" }))
    expect(gpu.memory().liveBuffers).toBe(live)
    gpu.free(a)
    // A launch grid past the per-dimension limit (a batch of 70000 products) is rejected
    // before encoding, naming the kernel, instead of failing the whole batch at submit.
    const many = gpu.allocate(70000 * 4)
    const products = gpu.allocate(70000 * 4)
    const batch = { buffer: many, dtype: "f32" as const, shape: [70000, 1, 1], strides: [1, 1, 1], offset: 0 }
    expect(() => gpu.dispatch({ kernel: "matmul", a: batch, b: batch, out: { ...batch, buffer: products } })).toThrow(
      expect.objectContaining({ _tag: "InvalidKernelCall", kernel: "matmul-generic" })
    )
    await gpu.read(products, 0, 4) // the queue is still usable
    gpu.free(many)
    gpu.free(products)
    const tmp = await makeWebGpuBackend({ label: "disposed" })
    tmp.dispose()
    expect(() => tmp.allocate(16)).toThrow(expect.objectContaining({ _tag: "InvalidKernelCall" }))
  })

  it("surfaces device loss as DeviceLost", async () => {
    const doomed = await makeWebGpuBackend({ label: "doomed" })
    const buf = doomed.allocate(64)
    doomed.device.destroy()
    await doomed.device.lost
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(() => doomed.allocate(16)).toThrow(expect.objectContaining({ _tag: "DeviceLost" }))
    await expect(doomed.read(buf)).rejects.toMatchObject({ _tag: "DeviceLost" })
  })

  it("binds views into buffers past the binding limit through windows", async () => {
    // A 4 KiB binding limit makes every buffer below "large", as a 272 MB embedding table is
    // on llvmpipe (128 MiB limit).
    const small = await makeWebGpuBackend({ label: "windowed", maxBindingSize: 4096 })
    try {
      const p: Pair = { cpu: makeCpuBackend(), gpu: small }
      const big = upload(p, randoms(6000, 31), "f32")
      // matmul with both operands far into one buffer (vec4 path: offsets stay 4-aligned).
      const out = scratch(p, 24 * 20)
      run(p, (V) => ({ kernel: "matmul", a: V(view(big, [24, 16], [16, 1], 4000)), b: V(view(big, [16, 20], [20, 1], 4400)), out: V(view(out, [24, 20])) }))
      await close(p, out, 1e-6 * 16 + 1e-6, 1e-5) // f32 sums of 16 products
      // In place on a window: read and write the same region (one shared binding).
      run(p, (V) => ({ kernel: "binary", op: "mul", a: V(view(big, [30, 10], [10, 1], 5500)), b: V(view(big, [30, 10], [1, 30], 5200)), out: V(view(big, [30, 10], [10, 1], 5500)) }))
      await close(p, big, 0, 1e-7) // one rounded product per element
      const ids = upload(p, [40, 3, 39, 40], "i32")
      const emb = scratch(p, 4 * 20)
      run(p, (V) => ({ kernel: "embedding", table: V(view(big, [41, 20], [20, 1], 1900)), ids: V(view(ids, [4])), out: V(view(emb, [4, 20])) }))
      await close(p, emb, 0, 0) // a gather is exact
      // Matmuls whose operands span several bindings are split into M/N/K blocks: logits =
      // hidden · tableᵀ, its input gradient dlogits · table (K blocks, accumulated) and the
      // table gradient dlogitsᵀ · hidden (transposed A).
      const [T, D, Vv] = [40, 64, 300]
      const hidden = upload(p, randoms(T * D, 32))
      const table = upload(p, randoms(Vv * D, 33))
      const dlogits = upload(p, randoms(T * Vv, 34))
      const cases = [
        { a: view(hidden, [T, D]), b: view(table, [D, Vv], [1, D]), out: [T, Vv], K: D },
        { a: view(dlogits, [T, Vv]), b: view(table, [Vv, D]), out: [T, D], K: Vv },
        { a: view(dlogits, [Vv, T], [1, Vv]), b: view(hidden, [T, D]), out: [Vv, D], K: T }
      ]
      for (const c of cases) {
        const o = scratch(p, c.out[0]! * c.out[1]!)
        run(p, (V) => ({ kernel: "matmul", a: V(c.a), b: V(c.b), out: V(view(o, c.out)) }))
        await close(p, o, 1e-6 * c.K + 1e-6, 1e-5) // f32 sums of K products, block sums in another order
      }
      // K = 0 sets an output wider than a binding to zero (out is cut into blocks whose rows
      // are strided, and no K block exists to run).
      const noK = upload(p, [0])
      const zeroed = scratch(p, T * Vv)
      run(p, (V) => ({ kernel: "matmul", a: V(view(noK, [T, 0])), b: V(view(noK, [0, Vv])), out: V(view(zeroed, [T, Vv])) }))
      await close(p, zeroed, 0, 0) // exact zeros
      // Embedding tables wider than a binding are cut into row blocks (gather and scatter-add),
      // out-of-range ids still read zeros.
      const tbl = upload(p, randoms(150 * 20, 35))
      const ids2 = upload(p, [149, 0, 77, -3, 150, 77, 12, 149], "i32")
      const g = scratch(p, 8 * 20)
      run(p, (V) => ({ kernel: "embedding", table: V(view(tbl, [150, 20])), ids: V(view(ids2, [8])), out: V(view(g, [8, 20])) }))
      await close(p, g, 0, 0) // exact gather
      const dy = upload(p, randoms(8 * 20, 36))
      run(p, (V) => ({ kernel: "embeddingBackward", ids: V(view(ids2, [8])), dy: V(view(dy, [8, 20])), dtable: V(view(tbl, [150, 20])) }))
      await close(p, tbl, 1e-6, 1e-6) // at most two rows summed per id
      // The row scatter-write cuts its out table into the same row blocks.
      const ids3 = upload(p, [149, 0, 77, -3, 150, 12], "i32")
      const rowsIn = upload(p, randoms(6 * 20, 37))
      run(p, (V) => ({ kernel: "scatterRows", ids: V(view(ids3, [6])), x: V(view(rowsIn, [6, 20])), out: V(view(tbl, [150, 20])) }))
      await close(p, tbl, 0, 0) // exact copies, other rows untouched
      // A single view wider than one binding cannot be windowed.
      expect(() => run(p, (V) => ({ kernel: "unary", op: "neg", x: V(view(big, [5000])), out: V(view(big, [5000])) }))).toThrow(
        expect.objectContaining({ _tag: "InvalidKernelCall" })
      )
    } finally {
      small.dispose()
    }
  })

  it("emulated f16 (packed u32, CAS stores) matches the CPU", async () => {
    expect(emu.info.nativeF16).toBe(false)
    const p: Pair = { cpu: makeCpuBackend(), gpu: emu }
    const x = upload(p, randoms(9 * 7, 1, -3, 3))
    const h = scratch(p, 9 * 7 + 3, "f16")
    // Transposed f32 -> f16 at an odd offset: neighbouring threads write halves of one word.
    run(p, (V) => ({ kernel: "copy", x: V(permute(view(x, [7, 9]), [1, 0])), out: V(view(h, [9, 7], [7, 1], 3)) }))
    await close(p, h, 0, 0) // round to nearest even on both sides
    const o = scratch(p, 9 * 7, "f16")
    run(p, (V) => ({ kernel: "unary", op: "silu", x: V(view(h, [9, 7], [7, 1], 3)), out: V(view(o, [9, 7])) }))
    await close(p, o, 1e-3, 2e-3) // f16 output: 1 ulp = 2^-10 relative
    const a = upload(p, randoms(72 * 64, 2), "f16")
    const b = upload(p, randoms(64 * 80, 3), "f16")
    const mm = scratch(p, 72 * 80, "f16")
    run(p, (V) => ({ kernel: "matmul", a: V(view(a, [72, 64])), b: V(view(b, [64, 80])), out: V(view(mm, [72, 80])) }))
    await close(p, mm, 1e-3, 1e-3) // f16 output rounding
    // Scatter-written f16 rows at odd element offsets share u32 words with rows left alone.
    const rows = upload(p, randoms(3 * 5, 4))
    const table = scratch(p, 7 * 5, "f16")
    const at = upload(p, [6, 1, 3], "i32")
    run(p, (V) => ({ kernel: "scatterRows", ids: V(view(at, [3])), x: V(view(rows, [3, 5])), out: V(view(table, [7, 5])) }))
    await close(p, table, 0, 0) // round to nearest even on both sides
  })
})
