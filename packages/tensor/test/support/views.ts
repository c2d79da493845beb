/**
 * Test helpers for driving a backend directly: upload arrays as contiguous views and
 * read views back as plain numbers.
 */
import type { Backend } from "../../src/backend/Backend.ts"
import { DTYPE_BYTES, type DType, type View } from "../../src/backend/Kernel.ts"
import { fromF16Array, toF16Array } from "../../src/f16.ts"
import { numel, rowMajorStrides } from "../../src/tensor/shape.ts"

/** Uploads values as a contiguous view (with `pad` unused elements before it, to test offsets). */
export const upload = (
  backend: Backend,
  values: ArrayLike<number>,
  shape: ReadonlyArray<number>,
  dtype: DType = "f32",
  pad = 0
): View => {
  const n = numel(shape)
  if (values.length !== n) throw new Error(`upload: ${values.length} values for shape ${shape}`)
  const total = n + pad
  const buffer = backend.allocate(total * DTYPE_BYTES[dtype])
  const padded = Array.from({ length: total }, (_, i) => (i < pad ? 0 : values[i - pad]!))
  const data = dtype === "f32" ? Float32Array.from(padded) : dtype === "i32" ? Int32Array.from(padded) : toF16Array(padded)
  backend.write(buffer, data)
  return { buffer, dtype, shape, strides: rowMajorStrides(shape), offset: pad }
}

export const empty = (backend: Backend, shape: ReadonlyArray<number>, dtype: DType = "f32"): View => {
  const buffer = backend.allocate(Math.max(1, numel(shape)) * DTYPE_BYTES[dtype])
  return { buffer, dtype, shape, strides: rowMajorStrides(shape), offset: 0 }
}

/** Reads the elements of a (possibly strided) view in row-major order. */
export const download = async (backend: Backend, v: View): Promise<Array<number>> => {
  const bytes = await backend.read(v.buffer)
  const all: ArrayLike<number> = v.dtype === "f32"
    ? new Float32Array(bytes)
    : v.dtype === "i32"
    ? new Int32Array(bytes)
    : fromF16Array(new Uint16Array(bytes))
  const out: Array<number> = []
  const idx = new Array<number>(v.shape.length).fill(0)
  const n = numel(v.shape)
  for (let i = 0; i < n; i++) {
    let off = v.offset
    for (let d = 0; d < idx.length; d++) off += idx[d]! * v.strides[d]!
    out.push(all[off]!)
    for (let d = idx.length - 1; d >= 0; d--) {
      idx[d]!++
      if (idx[d]! < v.shape[d]!) break
      idx[d] = 0
    }
  }
  return out
}

/** A permuted view (no copy). */
export const permuteView = (v: View, axes: ReadonlyArray<number>): View => ({
  ...v,
  shape: axes.map((a) => v.shape[a]!),
  strides: axes.map((a) => v.strides[a]!)
})

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32), for test inputs. */
export const seeded = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
}

export const randomArray = (n: number, seed: number, scale = 1): Array<number> => {
  const r = seeded(seed)
  return Array.from({ length: n }, () => r() * scale)
}

/** max |a - b| / (atol + rtol |b|) ≤ 1 elementwise; returns the worst ratio for messages. */
export const closeness = (a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number => {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY
  let worst = 0
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!))
    if (!(r <= worst)) worst = Number.isNaN(r) ? Number.POSITIVE_INFINITY : r
  }
  return worst
}
