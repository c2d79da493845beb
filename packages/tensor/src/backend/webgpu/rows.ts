/**
 * Helpers for row-wise kernels (softmax, RMSNorm, log-prob gather): a view seen as a
 * [rows, cols] matrix, one workgroup per row, and workgroup-wide sum / max reductions.
 *
 * @since 0.1.0
 */
import type { View } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import { coalesce } from "./stridedIndex.ts"

/**
 * A view flattened to [rows, cols] (the last axis is the columns).
 *
 * @since 0.1.0
 * @category models
 */
export interface Matrix {
  readonly rows: number
  readonly cols: number
  readonly offset: number
  readonly rowStride: number
  readonly colStride: number
}

/** The one stride that walks `shape` in row-major order, or a rejection naming `what`. */
const flatStride = (kernel: string, what: string, shape: ReadonlyArray<number>, strides: ReadonlyArray<number>): number => {
  const c = coalesce(shape, [strides])
  if (c.shape.length > 1) throw invalidCall(kernel, `${what} must collapse to a single stride`)
  return c.strides[0]![0]!
}

/**
 * Flattens the leading axes of `v` into rows; they must collapse to one stride (true for
 * contiguous and most sliced views), else the call is rejected.
 *
 * @since 0.1.0
 * @category utils
 */
export const asMatrix = (kernel: string, v: View): Matrix => {
  const r = v.shape.length
  const cols = r === 0 ? 1 : v.shape[r - 1]!
  const colStride = r === 0 ? 1 : v.strides[r - 1]!
  const lead = v.shape.slice(0, Math.max(0, r - 1))
  const rows = lead.reduce((a, b) => a * b, 1)
  const rowStride = flatStride(kernel, "leading axes", lead, v.strides.slice(0, Math.max(0, r - 1)))
  return { rows, cols, offset: v.offset, rowStride: rows === 1 ? 0 : rowStride, colStride }
}

/**
 * A view holding one entry per row (rstd, lse, targets: `[rows]`, or any shape of `rows`
 * elements in row-major order, such as `[B, T]`) as a one-column matrix.
 *
 * @since 0.1.0
 * @category utils
 */
export const perRow = (kernel: string, v: View): Omit<Matrix, "rows" | "cols"> => ({
  offset: v.offset,
  rowStride: flatStride(kernel, "a per-row operand", v.shape, v.strides),
  colStride: 0
})

/**
 * Stores an operand's offset, row stride and column stride at uniform words at..at+2.
 *
 * @since 0.1.0
 * @category utils
 */
export const putMatrix = (words: Array<number>, at: number, m: Omit<Matrix, "rows" | "cols">): void => {
  words[at] = m.offset
  words[at + 1] = m.rowStride
  words[at + 2] = m.colStride
}

/**
 * WGSL: the element offset of (row `r`, column `col`) of the operand stored by `putMatrix`
 * at uniform word `at`.
 *
 * @since 0.1.0
 * @category utils
 */
export const matrixAt = (at: number, r: string, col: string): string =>
  `ui(${at}u) + ${r} * ui(${at + 1}u) + ${col} * ui(${at + 2}u)`

/** Threads per row workgroup. */
const ROW_WG = 64

/**
 * Module-scope WGSL: `wgSum(v, lid)` and `wgMax(v, lid)` over the 64 threads of a workgroup
 * (call from workgroup-uniform control flow).
 *
 * @since 0.1.0
 * @category utils
 */
const WG_REDUCE = `
var<workgroup> red: array<f32, ${ROW_WG}>;
fn wgSum(v: f32, l: u32) -> f32 {
  red[l] = v;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { red[l] = red[l] + red[l + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn wgMax(v: f32, l: u32) -> f32 {
  red[l] = v;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { red[l] = max(red[l], red[l + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}`

/**
 * Entry point header for one workgroup per row: defines `row` (returns when past `rows`)
 * and `l` (the thread's lane).
 *
 * @since 0.1.0
 * @category utils
 */
const rowEntry = (rowsExpr: string): string => `
@compute @workgroup_size(${ROW_WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row = i32(wid.x + wid.y * nwg.x);
  if (row >= ${rowsExpr}) { return; }
  let l = lid.x;
  let li = i32(l);`

/**
 * How rows map to threads: `group` = one workgroup of 64 per row with shared-memory
 * reductions (real GPUs); `thread` = one thread per row, no barriers (CPU rasterizers,
 * where barriers serialize the SIMD lanes; used when there are enough rows to fill cores).
 *
 * @since 0.1.0
 * @category models
 */
export type RowMode = "group" | "thread"

/**
 * Picks the row mode for `rows` rows.
 *
 * @since 0.1.0
 * @category utils
 */
export const rowMode = (software: boolean, rows: number): RowMode => (software && rows >= 512 ? "thread" : "group")

/**
 * Module code + entry header for a row kernel in `mode`; the body loops
 * `for (var j = li; j < n; j += ${"${rowStep(mode)}"})` and reduces with wgSum / wgMax.
 *
 * @since 0.1.0
 * @category utils
 */
export const rowKernel = (mode: RowMode, rowsExpr: string): string =>
  mode === "group"
    ? `${WG_REDUCE}\n${rowEntry(rowsExpr)}`
    : `
fn wgSum(v: f32, l: u32) -> f32 { return v; }
fn wgMax(v: f32, l: u32) -> f32 { return v; }
@compute @workgroup_size(${ROW_WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = i32(gid.x + gid.y * nwg.x * ${ROW_WG}u);
  if (row >= ${rowsExpr}) { return; }
  let l = 0u;
  let li = 0;`

/**
 * The column step of a row kernel's loops.
 *
 * @since 0.1.0
 * @category utils
 */
export const rowStep = (mode: RowMode): number => (mode === "group" ? ROW_WG : 1)

/**
 * Workgroups to launch for `rows` rows.
 *
 * @since 0.1.0
 * @category utils
 */
export const rowGroups = (mode: RowMode, rows: number): number => (mode === "group" ? rows : Math.ceil(rows / ROW_WG))
