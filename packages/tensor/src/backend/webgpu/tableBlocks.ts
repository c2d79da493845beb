/**
 * Row blocks of a [V, D] table past the storage binding limit: each block is bound through
 * a window of its own, so kernels that index a table by row (embedding gather, its
 * scatter-add, the row scatter-write) run block by block.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../BufferHandle.ts"
import { DTYPE_BYTES, type View } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./KernelContext.ts"

/** Rows lo..lo+rows of a table, viewed through `window` when the table is past the binding limit.
 * @since 0.1.0 @category models */
export interface TableBlock {
  readonly lo: number
  readonly rows: number
  readonly view: View
  readonly window?: BufferHandle
}

/**
 * Row blocks of a [V, D] table that each fit one binding, as windowed views (rows lo..lo+n);
 * a single block covering the table when it fits.
 *
 * @since 0.1.0
 * @category utils
 */
export const tableBlocks = (
  { align, maxBinding, rt }: KernelContext,
  table: View,
  kernel = "embedding"
): Array<TableBlock> => {
  const [V, D] = table.shape as [number, number]
  const e = DTYPE_BYTES[table.dtype]
  const [s0, s1] = table.strides as [number, number]
  const span = (rows: number) => ((rows - 1) * Math.abs(s0) + (D - 1) * Math.abs(s1) + 1) * e + align
  if (table.buffer.byteLength <= maxBinding || V === 0) return [{ lo: 0, rows: V, view: table }]
  if (s0 < 0 || s1 < 0) throw invalidCall(kernel, "a table past the binding limit needs positive strides")
  let rows = V
  while (rows > 1 && span(rows) > maxBinding) rows = Math.ceil(rows / 2)
  if (span(rows) > maxBinding) throw invalidCall(kernel, "one table row exceeds the binding limit")
  const blocks: Array<TableBlock> = []
  for (let lo = 0; lo < V; lo += rows) {
    const n = Math.min(rows, V - lo)
    const first = (table.offset + lo * s0) * e
    const start = Math.floor(first / align) * align
    const size = Math.min(Math.ceil(((table.offset + (lo + n - 1) * s0 + (D - 1) * s1 + 1) * e - start) / 4) * 4, table.buffer.byteLength - start)
    const window = rt.window(table.buffer, start, size)
    blocks.push({ lo, rows: n, window, view: { ...table, buffer: window, shape: [n, D], offset: table.offset + lo * s0 - start / e } })
  }
  return blocks
}

/** Runs `f` on each row block of `table`, then drops the blocks' windows (also when `f` throws).
 * @since 0.1.0 @category utils */
export const forEachBlock = (
  ctx: KernelContext,
  table: View,
  f: (block: TableBlock, index: number) => void,
  kernel = "embedding"
): void => {
  const blocks = tableBlocks(ctx, table, kernel)
  try {
    blocks.forEach(f)
  } finally {
    for (const b of blocks) if (b.window !== undefined) ctx.rt.dropWindow(b.window)
  }
}
