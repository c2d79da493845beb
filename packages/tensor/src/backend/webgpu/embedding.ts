/**
 * Embedding gather and its scatter-add backward. The backward is deterministic and
 * sort-free: pass 1 links each id occurrence to the next one with the same id (O(N²)
 * integer compares), pass 2 lets the first occurrence of each id walk its chain in
 * order and add the summed rows once, so no atomics are needed.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../Backend.ts"
import { DTYPE_BYTES, type KernelCall, type View } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./kernelTable.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

/** Rows lo..lo+rows of a table, viewed through `window` when the table is past the binding limit. */
interface TableBlock {
  readonly lo: number
  readonly rows: number
  readonly view: View
  readonly window?: BufferHandle
}

/**
 * Row blocks of a [V, D] table that each fit one binding, as windowed views (rows lo..lo+n);
 * a single block covering the table when it fits.
 */
const tableBlocks = (
  { align, maxBinding, rt }: KernelContext,
  table: View
): Array<TableBlock> => {
  const [V, D] = table.shape as [number, number]
  const e = DTYPE_BYTES[table.dtype]
  const [s0, s1] = table.strides as [number, number]
  const span = (rows: number) => ((rows - 1) * Math.abs(s0) + (D - 1) * Math.abs(s1) + 1) * e + align
  if (table.buffer.byteLength <= maxBinding || V === 0) return [{ lo: 0, rows: V, view: table }]
  if (s0 < 0 || s1 < 0) throw invalidCall("embedding", "a table past the binding limit needs positive strides")
  let rows = V
  while (rows > 1 && span(rows) > maxBinding) rows = Math.ceil(rows / 2)
  if (span(rows) > maxBinding) throw invalidCall("embedding", "one table row exceeds the binding limit")
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

/** Runs `f` on each row block of `table`, then drops the blocks' windows (also when `f` throws). */
const forEachBlock = (
  ctx: KernelContext,
  table: View,
  f: (block: TableBlock, index: number) => void
): void => {
  const blocks = tableBlocks(ctx, table)
  try {
    blocks.forEach(f)
  } finally {
    for (const b of blocks) if (b.window !== undefined) ctx.rt.dropWindow(b.window)
  }
}

/** @since 0.1.0 @category kernels */
export const embedding = (ctx: KernelContext, c: Call<"embedding">): void => {
  const { rt } = ctx
  const [V, D] = c.table.shape as [number, number]
  const N = c.ids.shape[0] ?? 1
  if (c.table.shape.length !== 2 || c.out.shape.length !== 2) throw invalidCall("embedding", "table and out must be 2-D")
  const n = N * D
  if (n === 0) return
  forEachBlock(ctx, c.table, (blk, bi) => {
    const t = blk.view
    // 3: first row of this block, 12: its row count, 13: whether this block writes the
    // zeros of out-of-range ids (the first one does).
    const words = [n, D, V, blk.lo, t.offset, ...t.strides, c.ids.offset, c.ids.strides[0] ?? 1, c.out.offset, ...c.out.strides, blk.rows, bi === 0 ? 1 : 0]
    rt.run({
      kernel: "embedding",
      key: "",
      bindings: [
        { buffer: t.buffer, dtype: t.dtype, write: false },
        { buffer: c.ids.buffer, dtype: c.ids.dtype, write: false },
        { buffer: c.out.buffer, dtype: c.out.dtype, write: true }
      ],
      uniforms: words,
      groups: Math.ceil(n / 64),
      source: ([ts, is, os]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = i32(gid.x + gid.y * nwg.x * 64u);
  if (i >= ui(0u)) { return; }
  let r = i / ui(1u); let j = i % ui(1u);
  let id = ldi_${is}(ui(7u) + r * ui(8u));
  let local = id - ui(3u);
  let dst = ui(9u) + r * ui(10u) + j * ui(11u);
  if (local >= 0 && local < ui(12u)) {
    st_${os}(dst, ld_${ts}(ui(4u) + local * ui(5u) + j * ui(6u)));
  } else if ((id < 0 || id >= ui(2u)) && u(13u) != 0u) {
    st_${os}(dst, 0.0);
  }
}`
    })
  })
}

/** @since 0.1.0 @category kernels */
export const embeddingBackward = (ctx: KernelContext, c: Call<"embeddingBackward">): void => {
  const { rt } = ctx
  const [V, D] = c.dtable.shape as [number, number]
  const N = c.ids.shape[0] ?? 1
  if (N * D === 0) return
  const next = rt.allocate(N * 8)
  try {
    const words = [N, D, V, 0, c.ids.offset, c.ids.strides[0] ?? 1, c.dy.offset, ...c.dy.strides, c.dtable.offset, ...c.dtable.strides]
    const ids = { buffer: c.ids.buffer, dtype: c.ids.dtype, write: false }
    const link = { buffer: next, dtype: "i32" as const, write: true }
    rt.run({
      kernel: "embeddingBackward-link",
      key: "",
      bindings: [ids, link],
      uniforms: words,
      groups: Math.ceil(N / 64),
      // next[n] = following occurrence of the same id (-1 at the end); first[N + n] = 1 for
      // the first occurrence of its id.
      source: ([is, ns]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = i32(gid.x + gid.y * nwg.x * 64u);
  let N = ui(0u);
  if (n >= N) { return; }
  let id = ldi_${is}(ui(4u) + n * ui(5u));
  var nx = -1;
  for (var k = n + 1; k < N; k++) { if (ldi_${is}(ui(4u) + k * ui(5u)) == id) { nx = k; break; } }
  var first = true;
  for (var k = 0; k < n; k++) { if (ldi_${is}(ui(4u) + k * ui(5u)) == id) { first = false; break; } }
  sti_${ns}(n, nx);
  sti_${ns}(N + n, select(0, 1, first));
}`
    })
    forEachBlock(ctx, c.dtable, (blk) => {
      const t = blk.view
      const addWords = [N, D, V, blk.lo, c.ids.offset, c.ids.strides[0] ?? 1, c.dy.offset, ...c.dy.strides, t.offset, ...t.strides, blk.rows]
      rt.run({
        kernel: "embeddingBackward-add",
        key: "",
        bindings: [ids, { buffer: next, dtype: "i32", write: false }, { buffer: c.dy.buffer, dtype: c.dy.dtype, write: false }, {
          buffer: t.buffer,
          dtype: t.dtype,
          write: true
        }],
        uniforms: addWords,
        groups: Math.ceil((N * D) / 64),
        source: ([is, ns, dys, ts]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = i32(gid.x + gid.y * nwg.x * 64u);
  let N = ui(0u); let D = ui(1u);
  if (i >= N * D) { return; }
  let n = i / D; let j = i % D;
  if (ldi_${ns}(N + n) == 0) { return; }
  let id = ldi_${is}(ui(4u) + n * ui(5u)) - ui(3u);
  if (id < 0 || id >= ui(12u)) { return; }
  let dst = ui(9u) + id * ui(10u) + j * ui(11u);
  var acc = ld_${ts}(dst) + ld_${dys}(ui(6u) + n * ui(7u) + j * ui(8u));
  var p = ldi_${ns}(n);
  loop {
    if (p < 0) { break; }
    acc += ld_${dys}(ui(6u) + p * ui(7u) + j * ui(8u));
    p = ldi_${ns}(p);
  }
  st_${ts}(dst, acc);
}`
      })
    })
  } finally {
    rt.free(next)
  }
}
