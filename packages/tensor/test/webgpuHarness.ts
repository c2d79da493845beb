/**
 * Test harness running one kernel call on the CPU reference and on WebGPU side by side:
 * "dual" buffers hold the same bytes on both backends, calls are built once against dual
 * views and dispatched to each, and results are compared element by element.
 */
import { describe, expect, it } from "vitest"
import type { Backend, BufferHandle } from "../src/backend/Backend.ts"
import type { DType, KernelCall, View } from "../src/backend/Kernel.ts"
import { requestWebGpuAdapter } from "../src/backend/webgpu/index.ts"
import { fromF16Array, toF16Array } from "../src/f16.ts"
import { rowMajorStrides } from "../src/tensor/shape.ts"

export interface Pair {
  readonly cpu: Backend
  readonly gpu: Backend
}

export interface Dual {
  readonly cpu: BufferHandle
  readonly gpu: BufferHandle
  readonly dtype: DType
  readonly length: number
}

export interface DualView {
  readonly dual: Dual
  readonly shape: ReadonlyArray<number>
  readonly strides: ReadonlyArray<number>
  readonly offset: number
}

/** Deterministic uniform numbers in [lo, hi). */
export const randoms = (n: number, seed: number, lo = -1, hi = 1): Float64Array => {
  let s = seed >>> 0 || 1
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296)
  }
  return out
}

const encode = (values: ArrayLike<number>, dtype: DType): ArrayBufferView =>
  dtype === "f32" ? Float32Array.from(values) : dtype === "i32" ? Int32Array.from(values) : toF16Array(values)

/** A buffer holding `values` (converted to dtype) on both backends; odd f16 counts are padded. */
export const upload = (p: Pair, values: ArrayLike<number>, dtype: DType = "f32"): Dual => {
  const data = encode(values, dtype)
  const padded = data.byteLength % 4 === 0 ? data : encode([...Array.from(values), 0], dtype)
  const cpu = p.cpu.allocate(padded.byteLength)
  const gpu = p.gpu.allocate(padded.byteLength)
  p.cpu.write(cpu, padded)
  p.gpu.write(gpu, padded)
  return { cpu, gpu, dtype, length: values.length }
}

/** A buffer of `n` elements with the same random contents on both sides (so elements a
 * kernel must not touch compare equal only if neither backend touched them). */
export const scratch = (p: Pair, n: number, dtype: DType = "f32", seed = 99): Dual =>
  upload(p, dtype === "i32" ? randoms(n, seed, -50, 50).map(Math.round) : randoms(n, seed, -3, 3), dtype)

export const view = (
  dual: Dual,
  shape: ReadonlyArray<number>,
  strides: ReadonlyArray<number> = rowMajorStrides(shape),
  offset = 0
): DualView => ({ dual, shape, strides, offset })

/** A permuted view (no copy): axes reordered by `perm`. */
export const permute = (v: DualView, perm: ReadonlyArray<number>): DualView => ({
  ...v,
  shape: perm.map((p) => v.shape[p]!),
  strides: perm.map((p) => v.strides[p]!)
})

export type Side = "cpu" | "gpu"

/** Builds the call for each backend from dual views and dispatches it on both. */
export const run = (p: Pair, build: (V: (v: DualView) => View) => KernelCall): void => {
  for (const side of ["cpu", "gpu"] as const) {
    const V = (v: DualView): View => ({
      buffer: v.dual[side],
      dtype: v.dual.dtype,
      shape: v.shape,
      strides: v.strides,
      offset: v.offset
    })
    p[side].dispatch(build(V))
  }
}

const decode = (bytes: ArrayBuffer, dtype: DType, n: number): Float64Array =>
  Float64Array.from(
    dtype === "f32"
      ? new Float32Array(bytes, 0, n)
      : dtype === "i32"
      ? new Int32Array(bytes, 0, n)
      : fromF16Array(new Uint16Array(bytes, 0, n))
  )

/** Reads a dual buffer back from both backends. */
export const download = async (p: Pair, d: Dual): Promise<{ cpu: Float64Array; gpu: Float64Array }> => {
  const bytes = d.length * (d.dtype === "f16" ? 2 : 4)
  const [c, g] = await Promise.all([p.cpu.read(d.cpu, 0, bytes), p.gpu.read(d.gpu, 0, bytes)])
  return { cpu: decode(c, d.dtype, d.length), gpu: decode(g, d.dtype, d.length) }
}

/**
 * The worst violation of |gpu - cpu| <= atol + rtol |cpu| as a ratio (≤ 1 passes) with the
 * element that caused it; NaN must match NaN and infinities must be equal.
 */
export const worst = (
  r: { cpu: ArrayLike<number>; gpu: ArrayLike<number> },
  atol: number,
  rtol: number
): { ratio: number; at: number; cpu: number; gpu: number } => {
  let res = { ratio: 0, at: -1, cpu: 0, gpu: 0 }
  for (let i = 0; i < r.cpu.length; i++) {
    const c = r.cpu[i]!
    const g = r.gpu[i]!
    let ratio: number
    if (Number.isNaN(c) || Number.isNaN(g)) ratio = Number.isNaN(c) && Number.isNaN(g) ? 0 : Infinity
    else if (!Number.isFinite(c) || !Number.isFinite(g)) ratio = c === g ? 0 : Infinity
    else ratio = Math.abs(g - c) / (atol + rtol * Math.abs(c))
    if (ratio > res.ratio) res = { ratio, at: i, cpu: c, gpu: g }
  }
  return res
}

/** Why WebGPU tests are skipped here, or undefined when an adapter exists. */
export const skipReason: string | undefined = (await requestWebGpuAdapter()) === null
  ? "no WebGPU adapter (install a Vulkan driver, e.g. Mesa llvmpipe: bash .ci/install-vulkan.sh)"
  : undefined

/** In CI a missing adapter is a failure, not a skip: registers a failing test then. */
export const failWithoutAdapterInCi = (): void => {
  if (skipReason !== undefined && process.env["CI"] !== undefined) {
    describe("webgpu", () => {
      it("needs a WebGPU adapter in CI", () => {
        throw new Error(`CI is set but ${skipReason}`)
      })
    })
  }
}

/**
 * `describe` for tests that need a WebGPU adapter: without one it is skipped with the reason
 * in its name, and in CI a failing test is registered as well (`failWithoutAdapterInCi`).
 * `otherReason` skips it for another missing prerequisite.
 */
export const describeWebGpu = (
  name: string,
  options: { readonly timeout: number },
  body: () => void,
  otherReason?: string
): void => {
  failWithoutAdapterInCi()
  const reason = skipReason ?? otherReason
  describe.skipIf(reason !== undefined)(`${name}${reason === undefined ? "" : ` (skipped: ${reason})`}`, options, body)
}

/** Asserts that a dual buffer agrees within |gpu - cpu| <= atol + rtol·|cpu|. */
export const close = async (p: Pair, d: Dual, atol: number, rtol: number): Promise<void> => {
  const w = worst(await download(p, d), atol, rtol)
  expect(w.ratio, `worst element ${JSON.stringify(w)}`).toBeLessThanOrEqual(1)
}
