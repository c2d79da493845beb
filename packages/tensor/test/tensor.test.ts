import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as T from "../src/index.ts"

const arr = async (t: T.Tensor) => Array.from(await t.toArray())

describe("tensor creation and reading", () => {
  it("fromArray, zeros, ones, full, arange in each dtype", async () => {
    expect(await arr(T.fromArray([1.5, -2], [2], { dtype: "f16" }))).toEqual([1.5, -2])
    expect(await arr(T.fromArray(new Int32Array([7, -9])))).toEqual([7, -9])
    expect(T.fromArray(new Int32Array([1])).dtype).toBe("i32")
    expect(await arr(T.zeros([2, 2]))).toEqual([0, 0, 0, 0])
    expect(await arr(T.ones([3], { dtype: "i32" }))).toEqual([1, 1, 1])
    expect(await arr(T.full([2], 0.25, { dtype: "f16" }))).toEqual([0.25, 0.25])
    expect(await arr(T.arange(2, 11, 3))).toEqual([2, 5, 8])
    expect(await T.fromArray([42], [1, 1]).item()).toBe(42)
    expect(() => T.fromArray([1, 2, 3], [2, 2])).toThrow()
  })

  it("reads f16 views at odd offsets", async () => {
    const x = T.fromArray([1, 2, 3, 4, 5], [5], { dtype: "f16" })
    expect(await arr(T.slice(x, [{ start: 1, stop: 4 }]))).toEqual([2, 3, 4])
    expect(await arr(T.slice(x, [{ start: 3 }]))).toEqual([4, 5])
  })

  it("rand/randn are reproducible per seed and continue the stream", async () => {
    const a = await arr(T.randn([5], { rng: new T.Rng(42) }))
    const b = await arr(T.randn([5], { rng: new T.Rng(42) }))
    expect(a).toEqual(b)
    const rng = new T.Rng(42)
    const first = await arr(T.rand([3], { rng }))
    const second = await arr(T.rand([2], { rng }))
    const whole = await arr(T.rand([5], { rng: new T.Rng(42) }))
    expect([...first, ...second]).toEqual(whole)
    T.manualSeed(3)
    const c = await arr(T.rand([4]))
    T.manualSeed(3)
    expect(await arr(T.rand([4]))).toEqual(c)
    expect(c.every((v) => v >= 0 && v < 1)).toBe(true)
    expect((await arr(T.randn([3], { dtype: "f16", rng: new T.Rng(1) }))).length).toBe(3)
  })
})

describe("views", () => {
  it("permute/slice/expand are views; reshape of a non-contiguous view copies", async () => {
    const x = T.arange(24, undefined, 1, { dtype: "f32" }).reshape([2, 3, 4])
    const p = x.permute([2, 0, 1])
    expect(p.storage).toBe(x.storage)
    expect(p.shape).toEqual([4, 2, 3])
    const s = x.slice([null, { start: 1 }, { step: 3 }])
    expect(s.storage).toBe(x.storage)
    expect(await arr(s)).toEqual([4, 7, 8, 11, 16, 19, 20, 23])
    const r = p.reshape([4, 6])
    expect(r.storage).not.toBe(x.storage)
    expect((await arr(r)).slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20])
    const e = T.fromArray([1, 2], [2, 1]).expand([2, 3])
    expect(e.strides).toEqual([1, 0])
    expect(await arr(e)).toEqual([1, 1, 1, 2, 2, 2])
  })

  it("concat/stack match a host-side join for random shapes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (rows, cols, extra, parts) => {
          const tensors = Array.from({ length: parts }, (_, p) => {
            const c = cols + ((p * extra) % 3)
            return { c, t: T.fromArray(Array.from({ length: rows * c }, (_, i) => p * 100 + i), [rows, c]) }
          })
          const joined = T.concat(tensors.map((x) => x.t), 1)
          const want: Array<number> = []
          for (let r = 0; r < rows; r++) {
            for (const { c, t } of tensors) {
              const host = await arr(t)
              want.push(...host.slice(r * c, r * c + c))
            }
          }
          expect(await arr(joined)).toEqual(want)
          joined.dispose()
          for (const { t } of tensors) t.dispose()
        }
      ),
      { numRuns: 25 }
    )
  })

  it("assign writes into a slice in place (a KV-cache update) and refuses trainable targets", async () => {
    const cache = T.zeros([2, 4, 3])
    const row = T.fromArray([1, 2, 3], [1, 1, 3])
    const window = T.slice(cache, [1, { start: 2, stop: 3 }])
    T.assign(window, row)
    T.assign(T.slice(cache, [0, 0]), T.fromArray([7], [1]))
    const host = Array.from(await cache.toArray())
    expect(host.slice(12 + 6, 12 + 9)).toEqual([1, 2, 3])
    expect(host.slice(0, 3)).toEqual([7, 7, 7])
    expect(host.filter((v) => v !== 0).length).toBe(6)
    const p = T.zeros([3], { requiresGrad: true })
    expect(() => T.assign(p, row)).toThrow(/requires grad/)
    T.noGrad(() => T.assign(p, T.fromArray([1, 2, 3])))
    expect(Array.from(await p.toArray())).toEqual([1, 2, 3])
  })

  it("ops refuse tensors from different backends", () => {
    const a = T.ones([2], { backend: T.makeCpuBackend() })
    const b = T.ones([2], { backend: T.makeCpuBackend() })
    expect(() => T.add(a, b)).toThrow(/different backends/)
    const other = T.makeCpuBackend()
    const c = T.withBackend(other, () => T.zeros([1]))
    expect(c.backend).toBe(other)
  })

  it("argmax, comparisons and integer results", async () => {
    const x = T.fromArray([3, 9, 9, 1, 0, 2], [2, 3])
    expect(await arr(T.argmax(x, 1))).toEqual([1, 2])
    expect(T.argmax(x, -1, true).shape).toEqual([2, 1])
    expect(await arr(T.gt(x, 2))).toEqual([1, 1, 1, 0, 0, 0])
    const ids = T.fromArray(new Int32Array([1, 2, 3]))
    const sum = T.add(ids, 2)
    expect(sum.dtype).toBe("i32")
    expect(await arr(T.mul(ids, 0.5))).toEqual([0.5, 1, 1.5])
  })

  it("mixed f16/f32 binary ops compute in f32", async () => {
    const a = T.fromArray([1, 2], [2], { dtype: "f16" })
    const b = T.fromArray([0.1, 0.2], [2])
    const c = T.add(a, b)
    expect(c.dtype).toBe("f32")
    expect(await arr(c)).toEqual([Math.fround(1 + Math.fround(0.1)), Math.fround(2 + Math.fround(0.2))])
  })
})
