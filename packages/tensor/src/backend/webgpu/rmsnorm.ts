/**
 * RMSNorm over the last axis, forward (one workgroup per row) and backward (a row pass for
 * dx, then one thread per column summing dweight over rows in order: deterministic).
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../Kernel.ts"
import { f32bits } from "./f32bits.ts"
import type { KernelContext } from "./KernelContext.ts"
import { asMatrix, matrixAt, perRow, putMatrix, rowGroups, rowKernel, rowMode, rowStep } from "./rows.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

const vec = (v: View) => ({ offset: v.offset, rowStride: 0, colStride: v.strides[v.strides.length - 1] ?? 1 })

/** @since 0.1.0 @category kernels */
export const rmsnorm = ({ rt, software }: KernelContext, c: Call<"rmsnorm">): void => {
  const x = asMatrix("rmsnorm", c.x)
  const mode = rowMode(software, x.rows)
  if (x.rows * x.cols === 0) return
  const words = [x.rows, x.cols, f32bits(c.eps), 0]
  putMatrix(words, 4, x)
  putMatrix(words, 7, asMatrix("rmsnorm", c.out))
  putMatrix(words, 10, vec(c.weight))
  putMatrix(words, 13, perRow("rmsnorm", c.rstd))
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
  for (var j = li; j < n; j += ${rowStep(mode)}) { let v = ld_${xs}(${matrixAt(4, "row", "j")}); s += v * v; }
  s = wgSum(s, l);
  let r = inverseSqrt(s / f32(n) + uf(2u));
  if (l == 0u) { st_${rs}(${matrixAt(13, "row", "0")}, r); }
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    st_${os}(${matrixAt(7, "row", "j")}, ld_${xs}(${matrixAt(4, "row", "j")}) * r * ld_${ws}(${matrixAt(10, "0", "j")}));
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
  putMatrix(words, 4, x)
  putMatrix(words, 7, asMatrix("rmsnormBackward", c.dy))
  putMatrix(words, 10, asMatrix("rmsnormBackward", c.dx))
  putMatrix(words, 13, vec(c.weight))
  putMatrix(words, 16, perRow("rmsnormBackward", c.rstd))
  putMatrix(words, 19, vec(c.dweight))
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
    s += ld_${dys}(${matrixAt(7, "row", "j")}) * ld_${ws}(${matrixAt(13, "0", "j")}) * ld_${xs}(${matrixAt(4, "row", "j")});
  }
  s = wgSum(s, l);
  let r = ld_${rs}(${matrixAt(16, "row", "0")});
  let k = r * r * r * s / f32(n);
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    let g = ld_${dys}(${matrixAt(7, "row", "j")}) * ld_${ws}(${matrixAt(13, "0", "j")});
    st_${dxs}(${matrixAt(10, "row", "j")}, r * g - ld_${xs}(${matrixAt(4, "row", "j")}) * k);
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
    s += ld_${dys}(${matrixAt(7, "row", "j")}) * ld_${xs}(${matrixAt(4, "row", "j")}) * ld_${rs}(${matrixAt(16, "row", "0")});
  }
  st_${dws}(${matrixAt(19, "0", "j")}, s);
}`
  })
}

/**
 * sum = x + residual, then RMSNorm of the f32 sum (recomputed from the inputs in the second
 * pass rather than read back, so an f16 sum is rounded only where stored).
 *
 * @since 0.2.0
 * @category kernels
 */
export const addRmsnorm = ({ rt, software }: KernelContext, c: Call<"addRmsnorm">): void => {
  const x = asMatrix("addRmsnorm", c.x)
  const mode = rowMode(software, x.rows)
  if (x.rows * x.cols === 0) return
  const words = [x.rows, x.cols, f32bits(c.eps), 0]
  putMatrix(words, 4, x)
  putMatrix(words, 7, asMatrix("addRmsnorm", c.out))
  putMatrix(words, 10, vec(c.weight))
  putMatrix(words, 13, perRow("addRmsnorm", c.rstd))
  putMatrix(words, 16, asMatrix("addRmsnorm", c.residual))
  putMatrix(words, 19, asMatrix("addRmsnorm", c.sum))
  rt.run({
    kernel: "addRmsnorm",
    key: mode,
    bindings: [
      { buffer: c.x.buffer, dtype: c.x.dtype, write: false },
      { buffer: c.residual.buffer, dtype: c.residual.dtype, write: false },
      { buffer: c.weight.buffer, dtype: c.weight.dtype, write: false },
      { buffer: c.sum.buffer, dtype: c.sum.dtype, write: true },
      { buffer: c.out.buffer, dtype: c.out.dtype, write: true },
      { buffer: c.rstd.buffer, dtype: c.rstd.dtype, write: true }
    ],
    uniforms: words,
    groups: rowGroups(mode, x.rows),
    source: ([xs, res, ws, ss, os, rs]) => `${rowKernel(mode, "ui(0u)")}
  let n = ui(1u);
  var s = 0.0;
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    let v = ld_${xs}(${matrixAt(4, "row", "j")}) + ld_${res}(${matrixAt(16, "row", "j")});
    st_${ss}(${matrixAt(19, "row", "j")}, v);
    s += v * v;
  }
  s = wgSum(s, l);
  let r = inverseSqrt(s / f32(n) + uf(2u));
  if (l == 0u) { st_${rs}(${matrixAt(13, "row", "0")}, r); }
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    let v = ld_${xs}(${matrixAt(4, "row", "j")}) + ld_${res}(${matrixAt(16, "row", "j")});
    st_${os}(${matrixAt(7, "row", "j")}, v * r * ld_${ws}(${matrixAt(10, "0", "j")}));
  }
}`
  })
}
