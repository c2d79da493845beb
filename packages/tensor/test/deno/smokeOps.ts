/**
 * The ops of the Deno smoke test, shared by the Deno script and the Node test so both
 * runtimes run exactly the same calls on the same inputs. Runtime-neutral (no Node API).
 */
import type { Backend, BufferHandle } from "../../src/backend/Backend.ts"
import type { DType, KernelCall, View } from "../../src/backend/Kernel.ts"
import { rowMajorStrides } from "../../src/tensor/shape.ts"

const seq = (n: number, seed: number): Float32Array => {
  const out = new Float32Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = (s / 4294967296) * 2 - 1
  }
  return out
}

/** Runs a fixed set of kernels and returns their outputs as plain number arrays. */
export const smokeOps = async (be: Backend): Promise<Record<string, Array<number>>> => {
  const live: Array<BufferHandle> = []
  const put = (data: Float32Array | Int32Array): BufferHandle => {
    const b = be.allocate(data.byteLength)
    be.write(b, data)
    live.push(b)
    return b
  }
  const empty = (n: number, dtype: DType = "f32"): BufferHandle => {
    const b = be.allocate(Math.max(4, n * (dtype === "f16" ? 2 : 4)))
    live.push(b)
    return b
  }
  const v = (buffer: BufferHandle, shape: Array<number>, dtype: DType = "f32", strides = rowMajorStrides(shape)): View => ({
    buffer,
    dtype,
    shape,
    strides,
    offset: 0
  })
  const get = async (b: BufferHandle, n: number, dtype: DType = "f32"): Promise<Array<number>> => {
    const bytes = await be.read(b, 0, n * (dtype === "f16" ? 2 : 4))
    return Array.from(dtype === "i32" ? new Int32Array(bytes) : dtype === "f16" ? new Uint16Array(bytes) : new Float32Array(bytes))
  }
  const go = (c: KernelCall) => be.dispatch(c)
  const out: Record<string, Array<number>> = {}

  const [M, N, K] = [33, 40, 64]
  const a = put(seq(M * K, 1))
  const b = put(seq(K * N, 2))
  const mm = empty(M * N)
  go({ kernel: "matmul", a: v(a, [M, K]), b: v(b, [K, N]), out: v(mm, [M, N]) })
  out["matmul"] = await get(mm, M * N)

  const sm = empty(M * K)
  go({ kernel: "softmax", log: true, x: v(a, [M, K]), out: v(sm, [M, K]) })
  out["logSoftmax"] = await get(sm, M * K)

  const h = empty(M * K, "f16")
  go({ kernel: "copy", x: v(a, [K, M], "f32", [1, K]), out: v(h, [K, M], "f16") })
  out["copyTransposeF16"] = await get(h, M * K, "f16")

  const w = put(seq(K, 3))
  const rn = empty(M * K)
  const rs = empty(M)
  go({ kernel: "rmsnorm", x: v(a, [M, K]), weight: v(w, [K]), eps: 1e-6, out: v(rn, [M, K]), rstd: v(rs, [M]) })
  out["rmsnorm"] = await get(rn, M * K)

  const [B, Hq, Hkv, T, D] = [1, 4, 2, 8, 16]
  const q = put(seq(B * Hq * T * D, 4))
  const kk = put(seq(B * Hkv * T * D, 5))
  const vv = put(seq(B * Hkv * T * D, 6))
  const at = empty(B * Hq * T * D)
  const lse = empty(B * Hq * T)
  go({
    kernel: "attention",
    q: v(q, [B, Hq, T, D]),
    k: v(kk, [B, Hkv, T, D]),
    v: v(vv, [B, Hkv, T, D]),
    out: v(at, [B, Hq, T, D]),
    lse: v(lse, [B, Hq, T]),
    scale: 0.25,
    causal: true,
    qOffset: 0,
    kvLength: T
  })
  out["attention"] = await get(at, B * Hq * T * D)

  const r = empty(257)
  go({ kernel: "random", distribution: "uniform", key: [12345, 678], counter: 4294967290, out: v(r, [257]) })
  out["randomUniform"] = await get(r, 257)

  const am = empty(M, "i32")
  go({ kernel: "argmax", x: v(a, [M, K]), axis: 1, out: v(am, [M, 1], "i32") })
  out["argmax"] = await get(am, M, "i32")

  for (const buf of live) be.free(buf)
  return out
}
