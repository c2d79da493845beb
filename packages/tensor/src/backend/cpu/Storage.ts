/**
 * Host storage behind a CPU buffer handle: one ArrayBuffer seen as every dtype, plus
 * strided gather/scatter between views and contiguous arrays: the kernels' access
 * path, so dtype conversion and strides live here. The one exception is matmul, which
 * reads f16 weights and writes its contiguous output in place, for speed.
 *
 * @since 0.1.0
 */
import { f16Table, f32ToF16Bits } from "../../f16.ts"
import { isRowMajor, numel } from "../../tensor/shape.ts"
import type { DType, View } from "../Kernel.ts"

/** A buffer's bytes as every element type. @since 0.1.0 @category models */
export interface HostBuffer {
  readonly f32: Float32Array
  readonly u16: Uint16Array
  readonly i32: Int32Array
}

/** The contiguous working arrays kernels compute on: f32/f16 → Float32Array, i32 → Int32Array. */
export type Values = Float32Array | Int32Array

/** @since 0.1.0 */
export const makeHostBuffer = (byteLength: number): HostBuffer => {
  const buf = new ArrayBuffer(byteLength)
  return { f32: new Float32Array(buf), u16: new Uint16Array(buf), i32: new Int32Array(buf) }
}

/** A fresh zeroed working array for a dtype. @since 0.1.0 */
export const valuesFor = (dtype: DType, n: number): Values => dtype === "i32" ? new Int32Array(n) : new Float32Array(n)

/**
 * Visits every row of the last axis: `fn(srcOffset, rowIndex)` where the row has
 * `shape[last]` elements at `srcOffset + j * strides[last]`. Rank-0 views have one row of one.
 */
const forEachRow = (
  shape: ReadonlyArray<number>,
  strides: ReadonlyArray<number>,
  offset: number,
  fn: (base: number, row: number) => void
): void => {
  const rank = shape.length
  if (rank <= 1) {
    fn(offset, 0)
    return
  }
  const outer = rank - 1
  let rows = 1
  for (let d = 0; d < outer; d++) rows *= shape[d]!
  if (rows === 0) return
  const idx = new Array<number>(outer).fill(0)
  let base = offset
  for (let r = 0; r < rows; r++) {
    fn(base, r)
    for (let d = outer - 1; d >= 0; d--) {
      idx[d]!++
      base += strides[d]!
      if (idx[d]! < shape[d]!) break
      base -= strides[d]! * shape[d]!
      idx[d] = 0
    }
  }
}

/**
 * The elements of a view as a contiguous row-major array. An f32 (or i32) view that is
 * already contiguous is returned as a subarray of the storage, without a copy, unless
 * `copy` is set.
 *
 * @since 0.1.0
 */
export const gather = (host: HostBuffer, v: View, copy = false): Values => {
  const n = numel(v.shape)
  if (!copy && v.dtype !== "f16" && isRowMajor(v.shape, v.strides)) {
    const src = v.dtype === "f32" ? host.f32 : host.i32
    return src.subarray(v.offset, v.offset + n)
  }
  const out = valuesFor(v.dtype, n)
  if (n === 0) return out
  const rank = v.shape.length
  const len = rank === 0 ? 1 : v.shape[rank - 1]!
  const step = rank === 0 ? 0 : v.strides[rank - 1]!
  if (v.dtype === "f16") {
    const t = f16Table()
    const src = host.u16
    forEachRow(v.shape, v.strides, v.offset, (base, row) => {
      const o = row * len
      for (let j = 0; j < len; j++) out[o + j] = t[src[base + j * step]!]!
    })
  } else {
    const src = v.dtype === "f32" ? host.f32 : host.i32
    forEachRow(v.shape, v.strides, v.offset, (base, row) => {
      const o = row * len
      if (step === 1) out.set(src.subarray(base, base + len), o)
      else if (step === 0) out.fill(src[base]!, o, o + len) // a broadcast row: one native fill
      else for (let j = 0; j < len; j++) out[o + j] = src[base + j * step]!
    })
  }
  return out
}

/**
 * Writes a contiguous row-major array into a view, converting to the view's dtype
 * (f16 rounds to nearest even; i32 truncates toward zero, as a typed-array store does).
 *
 * @since 0.1.0
 */
export const scatter = (host: HostBuffer, v: View, data: ArrayLike<number>): void => {
  const n = numel(v.shape)
  if (n === 0) return
  const rank = v.shape.length
  const len = rank === 0 ? 1 : v.shape[rank - 1]!
  const step = rank === 0 ? 0 : v.strides[rank - 1]!
  if (v.dtype === "f16") {
    const dst = host.u16
    forEachRow(v.shape, v.strides, v.offset, (base, row) => {
      const o = row * len
      for (let j = 0; j < len; j++) dst[base + j * step] = f32ToF16Bits(data[o + j]!)
    })
  } else {
    const dst = v.dtype === "f32" ? host.f32 : host.i32
    const typed = ArrayBuffer.isView(data) && (data as Values).constructor === dst.constructor
    forEachRow(v.shape, v.strides, v.offset, (base, row) => {
      const o = row * len
      if (step === 1 && typed) {
        const src = (data as Values).subarray(o, o + len)
        // Skip a self-copy when the data already is this storage (an in-place result).
        if (src.buffer !== dst.buffer || src.byteOffset !== dst.byteOffset + base * 4) dst.set(src, base)
      } else {
        for (let j = 0; j < len; j++) dst[base + j * step] = data[o + j]!
      }
    })
  }
}

/**
 * Row `r` of a 2-D view, as a 1-D view (no copy): for reading one row of a large
 * table or logits matrix at a time.
 *
 * @since 0.1.0
 */
export const rowOf = (v: View, r: number): View => ({
  buffer: v.buffer,
  dtype: v.dtype,
  shape: [v.shape[1]!],
  strides: [v.strides[1]!],
  offset: v.offset + r * v.strides[0]!
})

/**
 * A contiguous f32 destination for a result: the storage itself when `out` is contiguous
 * f32 (write in place, then `commit` does nothing), else a temporary that `commit` scatters.
 *
 * @since 0.1.0
 */
export const destination = (host: HostBuffer, out: View): { readonly data: Values; readonly commit: () => void } => {
  const n = numel(out.shape)
  if (out.dtype !== "f16" && isRowMajor(out.shape, out.strides)) {
    const data = out.dtype === "f32" ? host.f32.subarray(out.offset, out.offset + n) : host.i32.subarray(out.offset, out.offset + n)
    return { data, commit: () => {} }
  }
  const data = valuesFor(out.dtype, n)
  return { data, commit: () => scatter(host, out, data) }
}

/**
 * Writes a whole contiguous result into `out` through `destination` (elements convert as a
 * typed-array store does: f64 → f32 rounds, f16 outputs round again from f32).
 *
 * @since 0.1.0
 */
export const store = (host: HostBuffer, out: View, data: Float32Array | Float64Array): void => {
  const dst = destination(host, out)
  dst.data.set(data)
  dst.commit()
}
