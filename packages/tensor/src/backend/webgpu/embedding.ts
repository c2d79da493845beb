/**
 * Embedding gather and its scatter-add backward. The backward is deterministic and
 * atomic-free: the (id, position) pairs are sorted on the GPU (bitonic, O(N log² N), a
 * total order so the result never depends on scheduling), each table row finds its run of
 * positions by binary search, and one invocation per (row, column) adds the run's dy rows
 * in ascending position order onto the old value: the same sums, in the same order, as
 * walking the positions one by one.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../Backend.ts"
import type { KernelCall, View } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./KernelContext.ts"
import { forEachBlock, tableBlocks } from "./tableBlocks.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

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

/** Elements per workgroup tile of the sort (two per invocation). */
const TILE = 512

/**
 * Sorts the (id, position) pairs of `ids` into `keys` / `pos` (ascending id, then position;
 * ids outside [0, V) become V and sort last). Bitonic network over the next power of two:
 * the virtual padding is +∞ and never moves, so pairs reaching past N are skipped. The pairs
 * are distinct, so the result is the one sorted order whatever the scheduling.
 */
const sortIds = (
  { rt, software }: KernelContext,
  ids: View,
  V: number,
  N: number,
  keys: BufferHandle,
  pos: BufferHandle
): void => {
  const keysRw = { buffer: keys, dtype: "i32" as const, write: true }
  const posRw = { buffer: pos, dtype: "i32" as const, write: true }
  rt.run({
    kernel: "embeddingBackward-keys",
    key: "",
    bindings: [{ buffer: ids.buffer, dtype: ids.dtype, write: false }, keysRw, posRw],
    uniforms: [N, V, ids.offset, ids.strides[0] ?? 1],
    groups: Math.ceil(N / 64),
    source: ([is, ks, ps]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = i32(gid.x + gid.y * nwg.x * 64u);
  if (n >= ui(0u)) { return; }
  let id = ldi_${is}(ui(2u) + n * ui(3u));
  sti_${ks}(n, select(ui(1u), id, id >= 0 && id < ui(1u)));
  sti_${ps}(n, n);
}`
  })
  let padded = 1
  while (padded < N) padded *= 2
  // Steps with a stride below TILE run inside workgroups on TILE-element tiles, so only the
  // wider strides of the later stages take a pass over the whole array each. CPU rasterizers
  // run the barriers slower than the passes they save (measured on llvmpipe): there every
  // step is a pass (tile = 1).
  const tile = software ? 1 : TILE
  const local = (kFirst: number, kLast: number) => rt.run({
    kernel: "embeddingBackward-sortTile",
    key: "",
    bindings: [keysRw, posRw],
    uniforms: [N, kFirst, kLast],
    groups: Math.ceil(N / TILE),
    source: ([ks, ps]) => `
var<workgroup> sk: array<i32, ${TILE}>;
var<workgroup> sp: array<i32, ${TILE}>;
@compute @workgroup_size(${TILE / 2}) fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = i32(wid.x + wid.y * nwg.x) * ${TILE};
  let t = i32(lid.x);
  let N = ui(0u);
  for (var e = t; e < ${TILE}; e += ${TILE / 2}) {
    // Padding past N is +inf: it sorts last and never moves.
    let g = base + e;
    if (g < N) { sk[e] = ldi_${ks}(g); sp[e] = ldi_${ps}(g); } else { sk[e] = 0x7fffffff; sp[e] = 0x7fffffff; }
  }
  workgroupBarrier();
  for (var k = ui(1u); k <= ui(2u); k *= 2) {
    for (var j = min(k / 2, ${TILE / 2}); j >= 1; j /= 2) {
      let i = (t / j) * 2 * j + t % j;
      let l = select(i + j, i ^ (k - 1), j == k / 2);
      let ka = sk[i]; let kb = sk[l]; let pa = sp[i]; let pb = sp[l];
      if (ka > kb || (ka == kb && pa > pb)) { sk[i] = kb; sk[l] = ka; sp[i] = pb; sp[l] = pa; }
      workgroupBarrier();
    }
  }
  for (var e = t; e < ${TILE}; e += ${TILE / 2}) {
    let g = base + e;
    if (g < N) { sti_${ks}(g, sk[e]); sti_${ps}(g, sp[e]); }
  }
}`
  })
  if (tile > 1) local(2, Math.min(tile, padded))
  for (let k = 2 * tile; k <= padded; k *= 2) {
    for (let j = k / 2; j >= tile; j /= 2) {
      rt.run({
        kernel: "embeddingBackward-sort",
        key: "",
        bindings: [keysRw, posRw],
        // The first step of a stage pairs i with its mirror in the k-block (i ^ (k-1)), so
        // every compare puts the smaller pair at the lower index and no direction flag is needed.
        uniforms: [N, k, j, j === k / 2 ? 1 : 0],
        groups: Math.ceil(padded / 2 / 64),
        source: ([ks, ps]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = i32(gid.x + gid.y * nwg.x * 64u);
  let k = ui(1u); let j = ui(2u);
  let i = (t / j) * 2 * j + t % j;
  let l = select(i + j, i ^ (k - 1), u(3u) != 0u);
  if (l >= ui(0u)) { return; }
  let ka = ldi_${ks}(i); let kb = ldi_${ks}(l);
  let pa = ldi_${ps}(i); let pb = ldi_${ps}(l);
  if (ka > kb || (ka == kb && pa > pb)) {
    sti_${ks}(i, kb); sti_${ks}(l, ka);
    sti_${ps}(i, pb); sti_${ps}(l, pa);
  }
}`
      })
    }
    if (tile > 1) local(k, k)
  }
}

/**
 * dy past the binding limit is taken in blocks of positions, one after another: each block
 * adds its positions in ascending order after the blocks before it, so the order of the sums
 * (and the result) is the same as in one pass.
 *
 * @since 0.1.0 @category kernels
 */
export const embeddingBackward = (ctx: KernelContext, c: Call<"embeddingBackward">): void => {
  const { rt } = ctx
  const [V, D] = c.dtable.shape as [number, number]
  const N = c.ids.shape[0] ?? 1
  if (N * D === 0 || V === 0) return
  const blocks = tableBlocks(ctx, c.dy)
  const most = Math.max(...blocks.map((b) => b.rows))
  const keys = rt.allocate(most * 4)
  const pos = rt.allocate(most * 4)
  const start = rt.allocate((V + 1) * 4)
  try {
    for (const dyBlock of blocks) {
      const s = c.ids.strides[0] ?? 1
      const ids: View = { ...c.ids, shape: [dyBlock.rows], offset: c.ids.offset + dyBlock.lo * s }
      scatterAdd(ctx, ids, dyBlock.view, c.dtable, { keys, pos, start })
    }
  } finally {
    for (const b of blocks) if (b.window !== undefined) rt.dropWindow(b.window)
    rt.free(keys)
    rt.free(pos)
    rt.free(start)
  }
}

/** Columns per invocation of the add pass. */
const COLS = 4

/** Adds dy's rows into dtable at ids (one binding's worth of positions) using the scratch buffers. */
const scatterAdd = (
  ctx: KernelContext,
  idsView: View,
  dy: View,
  dtable: View,
  { keys, pos, start }: { readonly keys: BufferHandle; readonly pos: BufferHandle; readonly start: BufferHandle }
): void => {
  const { rt } = ctx
  const [V, D] = dtable.shape as [number, number]
  const N = idsView.shape[0] ?? 1
  sortIds(ctx, idsView, V, N, keys, pos)
  rt.run({
    kernel: "embeddingBackward-start",
    key: "",
    bindings: [{ buffer: keys, dtype: "i32", write: false }, { buffer: start, dtype: "i32", write: true }],
    uniforms: [N, V],
    groups: Math.ceil((V + 1) / 64),
    // start[v] = first sorted index whose id is ≥ v, so row v's positions are start[v]..start[v+1].
    source: ([ks, ss]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = i32(gid.x + gid.y * nwg.x * 64u);
  if (v > ui(1u)) { return; }
  var lo = 0; var hi = ui(0u);
  while (lo < hi) {
  let mid = (lo + hi) / 2;
  if (ldi_${ks}(mid) < v) { lo = mid + 1; } else { hi = mid; }
  }
  sti_${ss}(v, lo);
}`
  })
  forEachBlock(ctx, dtable, (blk) => {
    const t = blk.view
    // One invocation per (slot, column): slots are the block's rows, or, when there are
    // fewer ids than rows, the sorted ids (only the first of each run works), so a small
    // batch does not pay for the whole table.
    const byId = N < blk.rows
    const slots = byId ? N : blk.rows
    // Each invocation takes COLS columns (j, j + G, …: neighbours read neighbouring
    // elements), sharing the run lookup and the position loads.
    const G = Math.ceil(D / COLS)
    rt.run({
      kernel: "embeddingBackward-add",
      key: "",
      bindings: [
        { buffer: keys, dtype: "i32", write: false },
        { buffer: pos, dtype: "i32", write: false },
        { buffer: start, dtype: "i32", write: false },
        { buffer: dy.buffer, dtype: dy.dtype, write: false },
        { buffer: t.buffer, dtype: t.dtype, write: true }
      ],
      uniforms: [slots * G, G, blk.lo, dy.offset, ...dy.strides, t.offset, ...t.strides, byId ? 1 : 0, blk.rows, D],
      groups: Math.ceil((slots * G) / 64),
      source: ([ks, ps, ss, dys, ts]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = i32(gid.x + gid.y * nwg.x * 64u);
  if (i >= ui(0u)) { return; }
  let q = i / ui(1u); let g = i % ui(1u); let G = ui(1u); let D = ui(11u);
  var r = q;
  var s0 = 0; var s1 = 0;
  if (u(9u) != 0u) {
    let id = ldi_${ks}(q);
    if (q > 0 && ldi_${ks}(q - 1) == id) { return; }
    r = id - ui(2u);
    if (r < 0 || r >= ui(10u)) { return; }
    s0 = q; s1 = ldi_${ss}(id + 1);
  } else {
    s0 = ldi_${ss}(ui(2u) + r); s1 = ldi_${ss}(ui(2u) + r + 1);
    if (s0 == s1) { return; }
  }
  let dst = ui(6u) + r * ui(7u);
  var acc: array<f32, ${COLS}>;
  for (var c = 0; c < ${COLS}; c++) { let j = g + c * G; if (j < D) { acc[c] = ld_${ts}(dst + j * ui(8u)); } }
  for (var s = s0; s < s1; s++) {
    let src = ui(3u) + ldi_${ps}(s) * ui(4u);
    for (var c = 0; c < ${COLS}; c++) { let j = g + c * G; if (j < D) { acc[c] += ld_${dys}(src + j * ui(5u)); } }
  }
  for (var c = 0; c < ${COLS}; c++) { let j = g + c * G; if (j < D) { st_${ts}(dst + j * ui(8u), acc[c]); } }
}`
    })
  })
}
