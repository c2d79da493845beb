/**
 * `ropeKvWrite`, the decode epilogue (q/k/v bias + RoPE + K/V cache writes in one kernel):
 * on the CPU against the unfused composition (bias add, `rope`, `scatterRows`), and WebGPU
 * against the CPU — in one dispatch, split in two for devices with fewer storage bindings,
 * and with caches cut into row blocks past the binding limit. Decode-only: it has no
 * backward, so no gradient check; the op refuses to run where a gradient would be recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as T from "../src/index.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { makeWebGpuBackend, type WebGpuBackend } from "../src/backend/webgpu/index.ts"
import type { DType } from "../src/backend/Kernel.ts"
import { close, describeWebGpu, type Pair, permute, randoms, run, scratch, upload, view } from "./webgpuHarness.ts"

const [B, Tn, Hq, Hkv, D, S] = [2, 3, 4, 2, 8, 7]
const theta = 10000
const lengths = [2, 4] // each row's tokens already cached; its new tokens sit at lengths[b] + t
const positions = Array.from({ length: B * Tn }, (_, i) => lengths[Math.floor(i / Tn)]! + (i % Tn))
const slots = Array.from({ length: B * Tn * Hkv }, (_, i) => {
  const [b, t, h] = [Math.floor(i / (Tn * Hkv)), Math.floor(i / Hkv) % Tn, i % Hkv]
  return (b * Hkv + h) * S + lengths[b]! + t
})

describe("ropeKvWrite on the CPU", () => {
  const backend = makeCpuBackend()
  const opts = { backend }
  const f = (data: ArrayLike<number>, shape: Array<number>, dtype: DType = "f32") => T.fromArray(Float32Array.from(data), shape, { backend, dtype })

  for (const biasDtype of ["f32", "f16"] as const) {
    it(`equals bias add + rope + scatterRows bit for bit (strided k, ${biasDtype} biases)`, async () => {
      {
        const q = f(randoms(B * Tn * Hq * D, 1, -2, 2), [B * Tn, Hq * D])
        // k stored head-major ([B, Hkv, T, D]) and viewed token-major: the kernel follows strides.
        const kStore = f(randoms(B * Hkv * Tn * D, 2, -2, 2), [B, Hkv, Tn, D])
        const v = f(randoms(B * Tn * Hkv * D, 3, -2, 2), [B * Tn, Hkv * D])
        const [qb, kb, vb] = [Hq, Hkv, Hkv].map((h, i) => f(randoms(h * D, 4 + i), [h * D], biasDtype))
        const pos = T.fromArray(Int32Array.from(positions), [B, Tn], { ...opts, dtype: "i32" })
        const slotIds = T.fromArray(Int32Array.from(slots), [B, Tn, Hkv], { ...opts, dtype: "i32" })
        const cache = (seed: number) => f(randoms(B * Hkv * S * D, seed), [B, Hkv, S, D])
        const [kCache, vCache, kRef, vRef] = [cache(7), cache(8), cache(7), cache(8)]

        const kRows = T.reshape(T.contiguous(T.transpose(kStore, 1, 2)), [B * Tn, Hkv * D])
        const got = T.ropeKvWrite({
          q: T.reshape(q, [B, Tn, Hq, D]),
          k: T.transpose(kStore, 1, 2),
          v: T.reshape(v, [B, Tn, Hkv, D]),
          qBias: qb!,
          kBias: kb!,
          vBias: vb!,
          positions: pos,
          slots: slotIds,
          theta,
          kCache,
          vCache
        })
        // The composition the decode step ran before: biased rows, heads, rope, scatter-writes.
        const heads = (x: T.Tensor, h: number) => T.transpose(T.reshape(x, [B, Tn, h, D]), 1, 2)
        const want = T.rope(heads(T.add(q, qb!), Hq), pos, theta)
        const kRot = T.rope(heads(T.add(kRows, kb!), Hkv), pos, theta)
        for (const [c, fresh] of [[kRef, T.contiguous(T.transpose(kRot, 1, 2))], [vRef, T.add(v, vb!)]] as const) {
          backend.dispatch({
            kernel: "scatterRows",
            ids: T.reshape(slotIds, [B * Tn * Hkv]).view,
            x: T.reshape(fresh, [B * Tn * Hkv, D]).view,
            out: { ...c.view, shape: [B * Hkv * S, D], strides: [D, 1] }
          })
        }
        expect(got.shape).toEqual([B, Hq, Tn, D])
        // Tolerance 0: the same f32 roundings in the same order.
        expect(await got.toArray()).toEqual(await want.toArray())
        expect(await kCache.toArray()).toEqual(await kRef.toArray())
        expect(await vCache.toArray()).toEqual(await vRef.toArray())
      }
    })
  }

  it("refuses to record a gradient and rejects bad shapes with the field named", () => {
    const q = T.zeros([1, 1, 2, 4], { ...opts, requiresGrad: true })
    const k = T.zeros([1, 1, 1, 4], opts)
    const input = {
      q,
      k,
      v: k,
      qBias: T.zeros([8], opts),
      kBias: T.zeros([4], opts),
      vBias: T.zeros([4], opts),
      positions: T.fromArray(Int32Array.from([0]), [1, 1], { ...opts, dtype: "i32" }),
      slots: T.fromArray(Int32Array.from([0]), [1, 1, 1], { ...opts, dtype: "i32" }),
      theta,
      kCache: T.zeros([1, 1, 3, 4], opts),
      vCache: T.zeros([1, 1, 3, 4], opts)
    }
    expect(() => T.ropeKvWrite(input)).toThrow("ropeKvWrite: decode-only, it has no backward; call it under noGrad")
    T.noGrad(() => {
      expect(T.ropeKvWrite(input).shape).toEqual([1, 2, 1, 4])
      expect(() => T.ropeKvWrite({ ...input, kBias: T.zeros([8], opts) })).toThrow("ropeKvWrite: kBias [8], expected [4]")
      expect(() => T.ropeKvWrite({ ...input, vCache: T.zeros([1, 1, 3, 6], opts) })).toThrow(
        "ropeKvWrite: vCache [1, 1, 3, 6] must be row-major with last axis 4"
      )
      expect(() => T.ropeKvWrite({ ...input, slots: T.zeros([1, 1, 1], opts) })).toThrow("ropeKvWrite: slots must be i32 [1, 1, 1], got f32 [1, 1, 1]")
    })
  })
})

describeWebGpu("ropeKvWrite: webgpu vs cpu", { timeout: 120_000 }, () => {
  const gpus: Array<WebGpuBackend> = []
  const pairs: Record<string, Pair> = {}
  beforeAll(async () => {
    const cpu = makeCpuBackend()
    const make = async (name: string, options: Parameters<typeof makeWebGpuBackend>[0]) => {
      const gpu = await makeWebGpuBackend({ label: `ropeKvWrite-${name}`, ...options })
      gpus.push(gpu)
      pairs[name] = { cpu, gpu }
    }
    await make("one dispatch", {})
    // Eight storage buffers (the WebGPU default limit): q and k/v in two dispatches.
    await make("split", { maxStorageBuffers: 8 })
    // Caches past a 1 KiB binding limit: written in row blocks through windows.
    await make("blocked", { maxBindingSize: 1024 })
  })
  afterAll(() => {
    for (const g of gpus) g.dispose()
  })

  for (const name of ["one dispatch", "split", "blocked"]) {
    it(`${name}: q, the written K/V rows and the untouched rows match the CPU`, async () => {
      const p = pairs[name]!
      for (const cacheDtype of ["f32", "f16"] as const) {
        const q = upload(p, randoms(B * Tn * Hq * D + 3, 11, -2, 2))
        const k = upload(p, randoms(B * Hkv * Tn * D, 12, -2, 2))
        const v = upload(p, randoms(B * Tn * Hkv * D, 13, -2, 2))
        const qb = upload(p, randoms(Hq * D, 14), "f16")
        const kb = upload(p, randoms(Hkv * D, 15))
        const vb = upload(p, randoms(Hkv * D, 16))
        // Positions up to ~300, as in the rope test: f32 angles differ by about position · 2^-24.
        const pos = upload(p, positions.map((x) => x * 50), "i32")
        // One slot out of range (skipped on both sides).
        const sl = upload(p, slots.map((s, i) => (i === 5 ? B * Hkv * S + 41 : s)), "i32")
        const qOut = scratch(p, B * Hq * Tn * D)
        // Blocked: 40 spare rows make each cache 2,176 bytes (f32), cut into row blocks at 1 KiB.
        const cacheRows = B * Hkv * S + (name === "blocked" ? 40 : 0)
        const kCache = scratch(p, cacheRows * D, cacheDtype, 21)
        const vCache = scratch(p, cacheRows * D, cacheDtype, 22)
        const before = (p.gpu as WebGpuBackend).stats().dispatches
        run(p, (V) => ({
          kernel: "ropeKvWrite",
          q: V(view(q, [B, Tn, Hq, D], [Tn * Hq * D, Hq * D, D, 1], 3)),
          k: V(permute(view(k, [B, Hkv, Tn, D]), [0, 2, 1, 3])),
          v: V(view(v, [B, Tn, Hkv, D])),
          qBias: V(view(qb, [Hq * D])),
          kBias: V(view(kb, [Hkv * D])),
          vBias: V(view(vb, [Hkv * D])),
          positions: V(view(pos, [B, Tn])),
          slots: V(view(sl, [B, Tn, Hkv])),
          theta,
          qOut: V(permute(view(qOut, [B, Hq, Tn, D]), [0, 2, 1, 3])),
          kCache: V(view(kCache, [cacheRows, D])),
          vCache: V(view(vCache, [cacheRows, D]))
        }))
        const dispatches = (p.gpu as WebGpuBackend).stats().dispatches - before
        if (name === "one dispatch") expect(dispatches).toBe(1)
        else if (name === "split") expect(dispatches).toBe(2)
        else if (cacheDtype === "f32") expect(dispatches).toBeGreaterThan(1)
        // Rotated values: f32 angles (abs 1e-4 + rel 1e-5, as for `rope`); f16 caches add their rounding (2^-11).
        const [atol, rtol] = cacheDtype === "f32" ? [1e-4, 1e-5] : [2e-3, 1e-3]
        await close(p, qOut, 1e-4, 1e-5)
        await close(p, kCache, atol, rtol)
        // v is the biased row: one f32 add on both sides, then the cache's round to nearest even: exact.
        await close(p, vCache, 0, 0)
      }
    })
  }
})
