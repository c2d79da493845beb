/**
 * Shape arithmetic: row-major strides, broadcasting, axis normalization.
 *
 * @since 0.1.0
 */

/** A tensor shape. @since 0.1.0 @category models */
export type Shape = ReadonlyArray<number>

/** Number of elements. @since 0.1.0 */
export const numel = (shape: Shape): number => {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** Row-major element strides. @since 0.1.0 */
export const rowMajorStrides = (shape: Shape): Array<number> => {
  const s = new Array<number>(shape.length)
  let acc = 1
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc
    acc *= shape[d]!
  }
  return s
}

/** Whether strides describe a gap-free row-major layout. @since 0.1.0 */
export const isRowMajor = (shape: Shape, strides: ReadonlyArray<number>): boolean => {
  let expected = 1
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false
    expected *= shape[d]!
  }
  return true
}

/** NumPy broadcasting of two shapes; throws on a mismatch. @since 0.1.0 */
export const broadcastShapes = (a: Shape, b: Shape): Array<number> => {
  const rank = Math.max(a.length, b.length)
  const out = new Array<number>(rank)
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) throw new Error(`cannot broadcast [${a.join(", ")}] with [${b.join(", ")}]`)
    out[i] = da === 1 ? db : da
  }
  return out
}

/** Strides that read a tensor of `shape`/`strides` as `target` (0 on broadcast dims). @since 0.1.0 */
export const broadcastStrides = (shape: Shape, strides: ReadonlyArray<number>, target: Shape): Array<number> => {
  const out = new Array<number>(target.length).fill(0)
  const lead = target.length - shape.length
  if (lead < 0) throw new Error(`cannot broadcast [${shape.join(", ")}] to [${target.join(", ")}]`)
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!
    const t = target[lead + i]!
    if (d === t) out[lead + i] = strides[i]!
    else if (d !== 1) throw new Error(`cannot broadcast [${shape.join(", ")}] to [${target.join(", ")}]`)
  }
  return out
}

/** Maps a possibly negative axis into [0, rank). @since 0.1.0 */
export const normalizeAxis = (axis: number, rank: number): number => {
  const a = axis < 0 ? axis + rank : axis
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`)
  return a
}

/** Equality of shapes. @since 0.1.0 */
export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i])

/** Formats a shape for messages. @since 0.1.0 */
export const showShape = (s: Shape): string => `[${s.join(", ")}]`
