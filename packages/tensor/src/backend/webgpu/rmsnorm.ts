/**
 * RMSNorm over the last axis, forward (one workgroup per row) and backward (a row pass for
 * dx, then one thread per column summing dweight over rows in order: deterministic).
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../Kernel.ts"
import { f32bits } from "./Runtime.ts"
import type { KernelContext } from "./kernelTable.ts"
import { asMatrix, rowGroups, rowKernel, rowMode, rowStep } from "./rows.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

const put = (words: Array<number>, at: number, m: { offset: number; rowStride: number; colStride: number }) => {
  words[at] = m.offset
  words[at + 1] = m.rowStride
  words[at + 2] = m.colStride
}
const vec = (v: View) => ({ offset: v.offset, rowStride: 0, colStride: v.strides[v.strides.length - 1] ?? 1 })
const at2 = (base: number, r: string, col: string) => `ui(${base}u) + ${r} * ui(${base + 1}u) + ${col} * ui(${base + 2}u)`

/** @since 0.1.0 @category kernels */
export const rmsnorm = ({ rt, software }: KernelContext, c: Call<"rmsnorm">): void => {
  const x = asMatrix("rmsnorm", c.x)
  const mode = rowMode(software, x.rows)
  if (x.rows * x.cols === 0) return
  const words = [x.rows, x.cols, f32bits(c.eps), 0]
  put(words, 4, x)
  put(words, 7, asMatrix("rmsnorm", c.out))
  put(words, 10, vec(c.weight))
  put(words, 13, { offset: c.rstd.offset, rowStride: c.rstd.strides[0] ?? 1, colStride: 0 })
  rt.run({
    kernel: "rmsnorm",
    key: mode,
    bindings: [
      { buffer: c.x.buffer, dtype: c.x.dtype, write: false },
      { buffer: c.weight.buffer, dtype: c.weight.dtype, write: false },
      { buffer: c.out.buffer, dtype: c.out.dtype, write: true },
      { buffer: c.rstd.buffer, dtype: c.rstd.dtype, write: true }
    ],
    uniforms: words,
    groups: rowGroups(mode, x.rows),
    source: ([xs, ws, os, rs]) => `${rowKernel(mode, "ui(0u)")}
  let n = ui(1u);
  var s = 0.0;
  for (var j = li; j < n; j += ${rowStep(mode)}) { let v = ld_${xs}(${at2(4, "row", "j")}); s += v * v; }
  s = wgSum(s, l);
  let r = inverseSqrt(s / f32(n) + uf(2u));
  if (l == 0u) { st_${rs}(${at2(13, "row", "0")}, r); }
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    st_${os}(${at2(7, "row", "j")}, ld_${xs}(${at2(4, "row", "j")}) * r * ld_${ws}(${at2(10, "0", "j")}));
  }
}`
  })
}

/** @since 0.1.0 @category kernels */
export const rmsnormBackward = ({ rt, software }: KernelContext, c: Call<"rmsnormBackward">): void => {
  const x = asMatrix("rmsnormBackward", c.x)
  const mode = rowMode(software, x.rows)
  if (x.rows * x.cols === 0) return
  const words = [x.rows, x.cols, 0, 0]
  put(words, 4, x)
  put(words, 7, asMatrix("rmsnormBackward", c.dy))
  put(words, 10, asMatrix("rmsnormBackward", c.dx))
  put(words, 13, vec(c.weight))
  put(words, 16, { offset: c.rstd.offset, rowStride: c.rstd.strides[0] ?? 1, colStride: 0 })
  put(words, 19, vec(c.dweight))
  const bindings = [
    { buffer: c.x.buffer, dtype: c.x.dtype, write: false },
    { buffer: c.dy.buffer, dtype: c.dy.dtype, write: false },
    { buffer: c.weight.buffer, dtype: c.weight.dtype, write: false },
    { buffer: c.rstd.buffer, dtype: c.rstd.dtype, write: false }
  ]
  rt.run({
    kernel: "rmsnormBackward-dx",
    key: mode,
    bindings: [...bindings, { buffer: c.dx.buffer, dtype: c.dx.dtype, write: true }],
    uniforms: words,
    groups: rowGroups(mode, x.rows),
    source: ([xs, dys, ws, rs, dxs]) => `${rowKernel(mode, "ui(0u)")}
  let n = ui(1u);
  var s = 0.0;
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    s += ld_${dys}(${at2(7, "row", "j")}) * ld_${ws}(${at2(13, "0", "j")}) * ld_${xs}(${at2(4, "row", "j")});
  }
  s = wgSum(s, l);
  let r = ld_${rs}(${at2(16, "row", "0")});
  let k = r * r * r * s / f32(n);
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    let g = ld_${dys}(${at2(7, "row", "j")}) * ld_${ws}(${at2(13, "0", "j")});
    st_${dxs}(${at2(10, "row", "j")}, r * g - ld_${xs}(${at2(4, "row", "j")}) * k);
  }
}`
  })
  rt.run({
    kernel: "rmsnormBackward-dw",
    key: "",
    bindings: [...bindings, { buffer: c.dweight.buffer, dtype: c.dweight.dtype, write: true }],
    uniforms: words,
    groups: Math.ceil(x.cols / 64),
    source: ([xs, dys, _ws, rs, dws]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let j = i32(gid.x + gid.y * nwg.x * 64u);
  if (j >= ui(1u)) { return; }
  var s = 0.0;
  for (var row = 0; row < ui(0u); row++) {
    s += ld_${dys}(${at2(7, "row", "j")}) * ld_${xs}(${at2(4, "row", "j")}) * ld_${rs}(${at2(16, "row", "0")});
  }
  st_${dws}(${at2(19, "0", "j")}, s);
}`
  })
}
