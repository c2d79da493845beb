/**
 * Copies a caller's strided batch of matrices into the module's memory. The kernel only
 * sees its own memory, so operands are copied in (O(n²)) for the O(n³) product; when the
 * stored span is dense enough it is copied verbatim with one `set` (keeping the caller's
 * leading dimension and batch stride), otherwise row by row into a compact layout.
 *
 * @since 0.2.0
 */

/**
 * How one operand sits in the module's memory: `elements` to reserve, and the leading
 * dimension and batch stride (elements) the kernel must use there.
 *
 * @since 0.2.0
 * @category models
 */
export interface StagePlan {
  readonly elements: number
  readonly ld: number
  readonly stride: number
  readonly verbatim: boolean
}

/**
 * Plans a `batch` of stored `rows × cols` matrices at `ld` / `stride` (a stride of 0
 * shares one matrix between all batch items, e.g. a weight).
 *
 * @since 0.2.0
 */
export const planStage = (rows: number, cols: number, ld: number, stride: number, batch: number): StagePlan => {
  const items = stride === 0 ? 1 : batch
  const compact = items * rows * cols
  const span = (items - 1) * stride + (rows - 1) * ld + cols
  return span <= compact + (compact >> 2) + 1024
    ? { elements: span, ld, stride, verbatim: true }
    : { elements: compact, ld: cols, stride: stride === 0 ? 0 : rows * cols, verbatim: false }
}

/** Copies `count` elements, with `set` when the run is long enough to beat a plain loop. */
const copyRun = (from: Float32Array, fromIndex: number, to: Float32Array, toIndex: number, count: number): void => {
  if (count >= 32) to.set(from.subarray(fromIndex, fromIndex + count), toIndex)
  else for (let i = 0; i < count; i++) to[toIndex + i] = from[fromIndex + i]!
}

/**
 * Copies the operand in per `plan` to `dst[dstIndex …]`.
 *
 * @since 0.2.0
 */
export const stageIn = (
  plan: StagePlan,
  src: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  ld: number,
  stride: number,
  batch: number,
  dst: Float32Array,
  dstIndex: number
): void => {
  if (plan.verbatim) {
    dst.set(src.subarray(offset, offset + plan.elements), dstIndex)
    return
  }
  const items = stride === 0 ? 1 : batch
  for (let b = 0; b < items; b++) {
    for (let r = 0; r < rows; r++) {
      copyRun(src, offset + b * stride + r * ld, dst, dstIndex + (b * rows + r) * cols, cols)
    }
  }
}

/**
 * Copies a compact `batch × rows × cols` result from `src[srcIndex …]` back to the caller's
 * strided C, touching only the addressed elements.
 *
 * @since 0.2.0
 */
export const stageOut = (
  src: Float32Array,
  srcIndex: number,
  dst: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  ld: number,
  stride: number,
  batch: number
): void => {
  if (ld === cols && (batch === 1 || stride === rows * cols)) {
    dst.set(src.subarray(srcIndex, srcIndex + batch * rows * cols), offset)
    return
  }
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) copyRun(src, srcIndex + (b * rows + r) * cols, dst, offset + b * stride + r * ld, cols)
  }
}

/**
 * Copies the caller's strided C into a compact layout (for `beta ≠ 0`).
 *
 * @since 0.2.0
 */
export const stageInCompact = (
  src: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  ld: number,
  stride: number,
  batch: number,
  dst: Float32Array,
  dstIndex: number
): void => {
  if (ld === cols && (batch === 1 || stride === rows * cols)) {
    dst.set(src.subarray(offset, offset + batch * rows * cols), dstIndex)
    return
  }
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows; r++) copyRun(src, offset + b * stride + r * ld, dst, dstIndex + (b * rows + r) * cols, cols)
  }
}
