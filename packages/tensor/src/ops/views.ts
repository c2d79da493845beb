/**
 * Shape ops. reshape, permute, transpose, slice, expand, unsqueeze and squeeze return
 * views sharing storage (reshape copies only a non-contiguous input); contiguous, clone,
 * cast, concat and stack copy through the `copy` kernel.
 *
 * @since 0.1.0
 */
import type { DType } from "../backend/Kernel.ts"
import { record } from "../autograd/record.ts"
import {
  broadcastStrides,
  isRowMajor,
  normalizeAxis,
  numel,
  rowMajorStrides,
  type Shape,
  sameShape,
  showShape
} from "../tensor/shape.ts"
import { Tensor } from "../tensor/Tensor.ts"
import { isGradEnabled } from "../autograd/mode.ts"
import { alloc, backendOf, broadcastView, run } from "./internal.ts"

/** A view of x's storage with new geometry (no autograd). */
const restride = (x: Tensor, shape: Shape, strides: ReadonlyArray<number>, offset: number): Tensor =>
  new Tensor(x.storage, x.dtype, shape, strides, offset)

/** Resolves one -1 entry. */
const resolveShape = (shape: Shape, n: number): Array<number> => {
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1)
  const out = shape.map((d) => (d === -1 ? n / known : d))
  if (numel(out) !== n || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: cannot view ${n} elements as ${showShape(shape)}`)
  }
  return out
}

/** A contiguous copy, no autograd. */
const copyOf = (x: Tensor, dtype: DType = x.dtype): Tensor => {
  const out = alloc(x.backend, x.shape, dtype)
  run(x.backend, { kernel: "copy", x: x.view, out: out.view })
  return out
}

/**
 * New shape, same elements in row-major order (one entry may be -1). A view when x is
 * contiguous (or the shape is unchanged), else a copy.
 *
 * @since 0.1.0
 * @category views
 */
export const reshape = (x: Tensor, shape: Shape): Tensor => {
  const target = resolveShape(shape, x.size)
  let out: Tensor
  if (sameShape(target, x.shape)) out = restride(x, target, x.strides, x.offset)
  else if (isRowMajor(x.shape, x.strides)) out = restride(x, target, rowMajorStrides(target), x.offset)
  else {
    const c = copyOf(x)
    out = restride(c, target, rowMajorStrides(target), 0)
    c.dispose()
  }
  return record("reshape", out, [x])
}

/**
 * Reorders axes (a view).
 *
 * @since 0.1.0
 * @category views
 */
export const permute = (x: Tensor, axes: ReadonlyArray<number>): Tensor => {
  const ax = axes.map((a) => normalizeAxis(a, x.rank))
  if (ax.length !== x.rank || new Set(ax).size !== x.rank) throw new Error(`permute: bad axes [${axes.join(", ")}]`)
  const out = restride(x, ax.map((a) => x.shape[a]!), ax.map((a) => x.strides[a]!), x.offset)
  return record("permute", out, [x], [], { axes: ax })
}

/**
 * Swaps two axes (a view); by default the last two.
 *
 * @since 0.1.0
 * @category views
 */
export const transpose = (x: Tensor, a = -2, b = -1): Tensor => {
  const axes = x.shape.map((_, i) => i)
  const i = normalizeAxis(a, x.rank)
  const j = normalizeAxis(b, x.rank)
  axes[i] = j
  axes[j] = i
  return permute(x, axes)
}

/**
 * One axis of a slice: a number n keeps [n, n + 1) (the axis stays, with size 1);
 * `{ start, stop, step }` follows Python (negative start/stop count from the end; step ≥ 1);
 * null or a missing entry keeps the whole axis.
 *
 * @since 0.1.0
 * @category models
 */
export type SliceRange = number | null | { readonly start?: number; readonly stop?: number; readonly step?: number }

/** Resolved per-axis [start, size, step]. */
const resolveSlice = (x: Tensor, ranges: ReadonlyArray<SliceRange>): Array<[number, number, number]> =>
  x.shape.map((n, i) => {
    const r = ranges[i]
    if (r === undefined || r === null) return [0, n, 1]
    const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? v + n : v))
    if (typeof r === "number") {
      const s = r < 0 ? r + n : r
      if (s < 0 || s >= n) throw new Error(`slice: index ${r} out of range for size ${n}`)
      return [s, 1, 1]
    }
    const step = r.step ?? 1
    if (!Number.isInteger(step) || step < 1) throw new Error("slice: step must be a positive integer")
    const start = clamp(r.start ?? 0)
    const stop = clamp(r.stop ?? n)
    return [start, Math.max(0, Math.ceil((stop - start) / step)), step]
  })

/**
 * A strided window (a view).
 *
 * @since 0.1.0
 * @category views
 */
export const slice = (x: Tensor, ranges: ReadonlyArray<SliceRange>): Tensor => {
  if (ranges.length > x.rank) throw new Error("slice: more ranges than axes")
  const spec = resolveSlice(x, ranges)
  let offset = x.offset
  spec.forEach(([start], i) => (offset += start * x.strides[i]!))
  const out = restride(
    x,
    spec.map(([, size]) => size),
    spec.map(([, , step], i) => step * x.strides[i]!),
    offset
  )
  return record("slice", out, [x], [], { spec })
}

/**
 * Broadcasts to `shape` (a view with stride 0 on expanded axes; -1 keeps an axis).
 *
 * @since 0.1.0
 * @category views
 */
export const expand = (x: Tensor, shape: Shape): Tensor => {
  const lead = shape.length - x.rank
  const target = shape.map((d, i) => (d === -1 ? x.shape[i - lead]! : d))
  const out = restride(x, target, broadcastStrides(x.shape, x.strides, target), x.offset)
  return record("expand", out, [x])
}

/**
 * Inserts an axis of size 1 (a view).
 *
 * @since 0.1.0
 * @category views
 */
export const unsqueeze = (x: Tensor, axis: number): Tensor => {
  const a = normalizeAxis(axis, x.rank + 1)
  const shape = [...x.shape]
  const strides = [...x.strides]
  shape.splice(a, 0, 1)
  strides.splice(a, 0, a < x.rank ? x.strides[a]! * x.shape[a]! : 1)
  return record("reshape", restride(x, shape, strides, x.offset), [x])
}

/**
 * Removes an axis of size 1 (every size-1 axis when omitted) (a view).
 *
 * @since 0.1.0
 * @category views
 */
export const squeeze = (x: Tensor, axis?: number): Tensor => {
  const drop = axis === undefined
    ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
    : [normalizeAxis(axis, x.rank)]
  for (const a of drop) if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} has size ${x.shape[a]}`)
  const out = restride(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
    x.strides.filter((_, i) => !drop.includes(i)),
    x.offset
  )
  return record("reshape", out, [x])
}

/**
 * x laid out row-major: a view when it already is, else a copy.
 *
 * @since 0.1.0
 * @category views
 */
export const contiguous = (x: Tensor): Tensor => {
  const out = isRowMajor(x.shape, x.strides) ? restride(x, x.shape, x.strides, x.offset) : copyOf(x)
  return record("identity", out, [x])
}

/**
 * A contiguous copy with its own storage.
 *
 * @since 0.1.0
 * @category views
 */
export const clone = (x: Tensor): Tensor => record("identity", copyOf(x), [x])

/**
 * Converts the dtype (f16 rounds to nearest even). The gradient passes straight through,
 * cast back to x's dtype.
 *
 * @since 0.1.0
 * @category views
 */
export const cast = (x: Tensor, dtype: DType): Tensor => record("cast", copyOf(x, dtype), [x])

/**
 * Joins tensors along an existing axis (dtype of the first; others are converted).
 *
 * @since 0.1.0
 * @category views
 */
export const concat = (xs: ReadonlyArray<Tensor>, axis = 0): Tensor => {
  const first = xs[0]
  if (first === undefined) throw new Error("concat: no tensors")
  const a = normalizeAxis(axis, first.rank)
  for (const t of xs) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new Error(`concat: ${showShape(t.shape)} does not match ${showShape(first.shape)} off axis ${a}`)
    }
  }
  const backend = backendOf(...xs)
  const sizes = xs.map((t) => t.shape[a]!)
  const shape = first.shape.map((d, i) => (i === a ? sizes.reduce((p, q) => p + q, 0) : d))
  const out = alloc(backend, shape, first.dtype)
  const ov = out.view
  let start = 0
  for (const t of xs) {
    const size = t.shape[a]!
    if (size > 0) {
      run(backend, {
        kernel: "copy",
        x: t.view,
        out: { ...ov, shape: t.shape, offset: start * ov.strides[a]! }
      })
    }
    start += size
  }
  return record("concat", out, xs, [], { axis: a, sizes })
}

/**
 * Stacks equally shaped tensors along a new axis.
 *
 * @since 0.1.0
 * @category views
 */
export const stack = (xs: ReadonlyArray<Tensor>, axis = 0): Tensor => {
  const parts = xs.map((t) => unsqueeze(t, axis))
  const out = concat(parts, axis)
  for (const p of parts) p.dispose()
  return out
}

/**
 * Writes `source` (broadcast to target's shape, converted to its dtype) into `target` in
 * place: target may be a view (e.g. a slice of a preallocated KV cache). Not recorded
 * by autograd; refuses a target that requires grad while recording is on.
 *
 * @since 0.1.0
 * @category views
 */
export const assign = (target: Tensor, source: Tensor): Tensor => {
  if (target.requiresGrad && isGradEnabled()) throw new Error("assign: in-place write into a tensor that requires grad")
  const backend = backendOf(target, source)
  if (target.size > 0) run(backend, { kernel: "copy", x: broadcastView(source, target.shape), out: target.view })
  return target
}
