import { describe, expect, it } from "vitest"
import * as T from "../src/index.ts"

const arr = async (t: T.Tensor) => Array.from(await t.toArray())

describe("autograd semantics", () => {
  it("accumulates into .grad across backward calls and zeroGrad clears it", async () => {
    const x = T.fromArray([1, 2, 3], [3], { requiresGrad: true })
    for (let i = 0; i < 2; i++) {
      const loss = T.tidy(() => T.sum(T.square(x)))
      loss.backward()
      loss.dispose()
    }
    expect(await arr(x.grad!)).toEqual([4, 8, 12]) // 2 × 2x
    x.zeroGrad()
    expect(x.grad).toBeNull()
    x.dispose()
  })

  it("noGrad records nothing; detach cuts the graph", () => {
    const x = T.fromArray([1, 2], [2], { requiresGrad: true })
    const y = T.noGrad(() => T.mul(x, 2))
    expect(y.requiresGrad).toBe(false)
    expect(y.node).toBeNull()
    const z = T.mul(x.detach(), 3)
    expect(z.requiresGrad).toBe(false)
    const w = T.mul(x, 3)
    expect(w.requiresGrad).toBe(true)
    expect(w.node?.op).toBe("mul")
    for (const t of [x, y, z, w]) t.dispose()
  })

  it("a second backward through a freed graph throws unless retainGraph", async () => {
    const x = T.fromArray([0.5, -1], [2], { requiresGrad: true })
    const loss = T.tidy(() => T.sum(T.exp(x)))
    loss.backward(undefined, { retainGraph: true })
    loss.backward()
    expect(await arr(x.grad!)).toEqual([2 * Math.fround(Math.exp(0.5)), 2 * Math.fround(Math.exp(-1))].map(Math.fround))
    expect(() => loss.backward()).toThrow(/freed/)
    loss.dispose()
    x.dispose()
  })

  it("gradients meeting at a shared input add up (x used three times)", async () => {
    const x = T.fromArray([2, 3], [2], { requiresGrad: true })
    const loss = T.tidy(() => T.sum(T.add(T.mul(x, x), x)))
    loss.backward()
    expect(await arr(x.grad!)).toEqual([5, 7]) // 2x + 1
    loss.dispose()
    x.dispose()
  })

  it("backward with an explicit gradient for a non-scalar output", async () => {
    const x = T.fromArray([1, 2, 3], [3], { requiresGrad: true })
    const y = T.mul(x, 4)
    const g = T.fromArray([1, 0, -1], [3])
    y.backward(g)
    expect(await arr(x.grad!)).toEqual([4, 0, -4])
    expect(() => T.sum(T.mul(T.fromArray([1]), 2)).backward()).toThrow(/does not require grad/)
    for (const t of [x, y, g]) t.dispose()
  })

  it("attention with kvLengths refuses to record a graph, and runs under noGrad", async () => {
    const backend = T.getDefaultBackend()
    const q = T.fromArray([1, 0], [1, 1, 1, 2], { requiresGrad: true })
    const k = T.fromArray([0, 0, 1, 0, 9, 9], [1, 1, 3, 2])
    const v = T.fromArray([1, 2, 3, 4, 50, 60], [1, 1, 3, 2])
    const lengths = T.fromArray(new Int32Array([2]))
    const before = backend.memory()
    expect(() => T.attention(q, k, v, { kvLengths: lengths, causal: false })).toThrow(/inference-only/)
    expect(backend.memory()).toEqual(before)
    const out = T.noGrad(() => T.attention(q, k, v, { kvLengths: lengths, causal: false, scale: 1 }))
    // Keys 0 and 1 only (length 2): weights ∝ (e^0, e^1); key 2 is past the length.
    const w1 = Math.E / (1 + Math.E)
    const want = [1 * (1 - w1) + 3 * w1, 2 * (1 - w1) + 4 * w1]
    const got = await arr(out)
    for (let i = 0; i < 2; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6)
    for (const t of [q, k, v, lengths, out]) t.dispose()
  })

  it("f16 leaves get f16 gradients", async () => {
    const w = T.fromArray([1, 2], [2], { dtype: "f16", requiresGrad: true })
    const x = T.fromArray([3, 4], [2])
    const loss = T.tidy(() => T.sum(T.mul(w, x)))
    loss.backward()
    expect(w.grad!.dtype).toBe("f16")
    expect(await arr(w.grad!)).toEqual([3, 4])
    for (const t of [w, x, loss]) t.dispose()
  })
})

describe("memory", () => {
  it("a training loop keeps liveBytes flat (tidy + backward + in-place update)", async () => {
    const backend = T.getDefaultBackend()
    const rng = new T.Rng(1)
    const w1 = T.mul(T.randn([8, 16], { rng }), 0.3).keep().setRequiresGrad()
    const w2 = T.mul(T.randn([16, 5], { rng }), 0.3).keep().setRequiresGrad()
    const g = T.fromArray([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [16]).keep().setRequiresGrad()
    const x = T.randn([4, 8], { rng }).keep()
    const targets = T.fromArray(new Int32Array([0, 3, 4, 1])).keep()
    const step = () => {
      const loss = T.tidy(() => {
        const h = T.rmsnorm(T.silu(T.matmul(x, w1)), g)
        return T.crossEntropy(T.matmul(h, w2), targets)
      })
      loss.backward()
      loss.dispose()
      for (const p of [w1, w2, g]) p.zeroGrad()
    }
    step()
    const base = backend.memory()
    for (let i = 0; i < 30; i++) step()
    expect(backend.memory()).toEqual(base)
    for (const t of [w1, w2, g, x, targets]) t.dispose()
  })

  it("a transformer-block step (embedding, rope, GQA attention, concat/slice, softmax, max, logprobs) stays flat", () => {
    const backend = T.getDefaultBackend()
    const rng = new T.Rng(2)
    const [V, D, H, Hkv, Tn] = [11, 8, 2, 1, 5]
    const hd = D / H
    const table = T.mul(T.randn([V, D], { rng }), 0.5).keep().setRequiresGrad()
    const wq = T.mul(T.randn([D, D], { rng, dtype: "f16" }), 0.3).keep().setRequiresGrad()
    const wkv = T.mul(T.randn([2 * Hkv * hd, D], { rng }), 0.3).keep().setRequiresGrad()
    const ids = T.fromArray(new Int32Array([1, 4, 2, 9, 3]), [1, Tn]).keep()
    const positions = T.fromArray(new Int32Array([0, 1, 2, 3, 4]), [1, Tn]).keep()
    const targets = T.fromArray(new Int32Array([4, 2, 9, 3, -100])).keep()
    const params = [table, wq, wkv]
    const state = T.makeAdamWState(params)
    const step = () => {
      const loss = T.tidy(() => {
        const x = T.embedding(table, ids) // [1, T, D]
        const q = T.rope(T.permute(T.reshape(T.matmul(x, T.transpose(wq)), [1, Tn, H, hd]), [0, 2, 1, 3]), positions, 1e4)
        const kv = T.matmul(x, T.transpose(wkv))
        const k = T.slice(kv, [null, null, { stop: Hkv * hd }])
        const v = T.slice(kv, [null, null, { start: Hkv * hd }])
        const kh = T.rope(T.permute(T.reshape(k, [1, Tn, Hkv, hd]), [0, 2, 1, 3]), positions, 1e4)
        const vh = T.permute(T.reshape(v, [1, Tn, Hkv, hd]), [0, 2, 1, 3])
        const o = T.reshape(T.permute(T.attention(q, kh, vh), [0, 2, 1, 3]), [Tn, D])
        const mixed = T.concat([o, T.softmax(o)], 1) // [T, 2D]
        const logits = T.matmul(T.slice(mixed, [null, { step: 2 }]), T.transpose(table)) // [T, V]
        const aux = T.mean(T.max(logits, 1))
        return T.add(T.neg(T.mean(T.logprobGather(logits, T.maximum(targets, 0)))), T.mul(aux, 0.01))
      })
      loss.backward()
      loss.dispose()
      T.adamwStep(params, undefined, state, { lr: 1e-2 })
      for (const p of params) p.zeroGrad()
    }
    step()
    const base = backend.memory()
    for (let i = 0; i < 10; i++) step()
    expect(backend.memory()).toEqual(base)
    T.disposeAdamWState(state)
    for (const t of [...params, ids, positions, targets]) t.dispose()
  })

  it("an abandoned graph is freed when its output is disposed, without backward", () => {
    const backend = T.getDefaultBackend()
    const x = T.fromArray([1, 2, 3], [3], { requiresGrad: true })
    const before = backend.memory().liveBytes
    const y = T.tidy(() => T.sum(T.exp(T.mul(x, 2))))
    expect(backend.memory().liveBytes).toBeGreaterThan(before)
    y.dispose()
    expect(backend.memory().liveBytes).toBe(before)
    x.dispose()
  })

  it("tidy keeps returned tensors (nested, in objects) and disposes the rest", () => {
    const backend = T.getDefaultBackend()
    const before = backend.memory().liveBuffers
    const { a, list } = T.tidy(() => {
      const tmp = T.ones([3])
      const inner = T.tidy(() => T.mul(tmp, 2))
      return { a: T.add(inner, 1), list: [inner] }
    })
    expect(backend.memory().liveBuffers).toBe(before + 2)
    expect(a.isDisposed).toBe(false)
    expect(list[0]!.isDisposed).toBe(false)
    a.dispose()
    list[0]!.dispose()
    expect(backend.memory().liveBuffers).toBe(before)
  })

  it("a graph 30000 ops deep is backpropagated and released without overflowing the stack", async () => {
    const backend = T.getDefaultBackend()
    const before = backend.memory()
    const x = T.fromArray([1], [1], { requiresGrad: true })
    let y = x
    for (let i = 0; i < 30000; i++) {
      const z = T.add(y, 1)
      if (y !== x) y.dispose()
      y = z
    }
    y.backward()
    expect(await arr(x.grad!)).toEqual([1])
    y.dispose()
    x.dispose()
    expect(backend.memory()).toEqual(before)
  })

  it("tidy keeps a returned tensor at any depth, and survives a cyclic result", () => {
    const backend = T.getDefaultBackend()
    const before = backend.memory().liveBuffers
    const { deep, cyclic } = T.tidy(() => {
      T.ones([2]) // a temporary: disposed
      const cyclic: { self?: unknown; t: T.Tensor } = { t: T.ones([1]) }
      cyclic.self = cyclic
      return { deep: [[[[[{ t: T.ones([3]) }]]]]], cyclic }
    })
    const t = deep[0]![0]![0]![0]![0]!.t
    expect(t.isDisposed).toBe(false)
    expect(cyclic.t.isDisposed).toBe(false)
    expect(backend.memory().liveBuffers).toBe(before + 2)
    t.dispose()
    cyclic.t.dispose()
  })

  it("views share storage: the buffer lives until the last view goes", () => {
    const backend = T.getDefaultBackend()
    const before = backend.memory().liveBuffers
    const x = T.arange(12, undefined, 1, { dtype: "f32" })
    const r = T.reshape(x, [3, 4])
    const v = T.transpose(r)
    x.dispose()
    r.dispose()
    expect(backend.memory().liveBuffers).toBe(before + 1)
    v.dispose()
    expect(backend.memory().liveBuffers).toBe(before)
    expect(() => x.view).toThrow(/after dispose/)
  })
})
