/**
 * Per-row log-prob of a target (logits minus log-sum-exp) and its backward.
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../Kernel.ts"
import type { KernelContext } from "./kernelTable.ts"
import { asMatrix, NEG_INF, rowGroups, rowKernel, rowMode, rowStep } from "./rows.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

const put = (words: Array<number>, at: number, m: { offset: number; rowStride: number; colStride: number }) => {
  words[at] = m.offset
  words[at + 1] = m.rowStride
  words[at + 2] = m.colStride
}
const perRow = (v: View) => ({ offset: v.offset, rowStride: v.strides[0] ?? 1, colStride: 0 })
const at2 = (base: number, r: string, col: string) => `ui(${base}u) + ${r} * ui(${base + 1}u) + ${col} * ui(${base + 2}u)`

/** @since 0.1.0 @category kernels */
export const logprobGather = ({ rt, software }: KernelContext, c: Call<"logprobGather">): void => {
  const x = asMatrix("logprobGather", c.logits)
  const mode = rowMode(software, x.rows)
  if (x.rows === 0) return
  const words = [x.rows, x.cols, 0, 0]
  put(words, 4, x)
  put(words, 7, perRow(c.targets))
  put(words, 10, perRow(c.out))
  put(words, 13, perRow(c.lse))
  rt.run({
    kernel: "logprobGather",
    key: mode,
    bindings: [
      { buffer: c.logits.buffer, dtype: c.logits.dtype, write: false },
      { buffer: c.targets.buffer, dtype: c.targets.dtype, write: false },
      { buffer: c.out.buffer, dtype: c.out.dtype, write: true },
      { buffer: c.lse.buffer, dtype: c.lse.dtype, write: true }
    ],
    uniforms: words,
    groups: rowGroups(mode, x.rows),
    source: ([xs, ts, os, ls]) => `${rowKernel(mode, "ui(0u)")}
  let n = ui(1u);
  var m = ${NEG_INF};
  for (var j = li; j < n; j += ${rowStep(mode)}) { m = max(m, ld_${xs}(${at2(4, "row", "j")})); }
  m = wgMax(m, l);
  var s = 0.0;
  for (var j = li; j < n; j += ${rowStep(mode)}) { s += exp(ld_${xs}(${at2(4, "row", "j")}) - m); }
  s = wgSum(s, l);
  if (l == 0u) {
    let lse = m + log(s);
    let t = ldi_${ts}(${at2(7, "row", "0")});
    var o = 0.0;
    if (t >= 0) { o = ld_${xs}(${at2(4, "row", "t")}) - lse; }
    st_${os}(${at2(10, "row", "0")}, o);
    st_${ls}(${at2(13, "row", "0")}, lse);
  }
}`
  })
}

/** @since 0.1.0 @category kernels */
export const logprobGatherBackward = ({ rt }: KernelContext, c: Call<"logprobGatherBackward">): void => {
  const x = asMatrix("logprobGatherBackward", c.logits)
  const n = x.rows * x.cols
  if (n === 0) return
  const words = [x.rows, x.cols, 0, 0]
  put(words, 4, x)
  put(words, 7, perRow(c.targets))
  put(words, 10, perRow(c.lse))
  put(words, 13, perRow(c.dy))
  put(words, 16, asMatrix("logprobGatherBackward", c.dlogits))
  words[2] = n
  rt.run({
    kernel: "logprobGatherBackward",
    key: "",
    bindings: [
      { buffer: c.logits.buffer, dtype: c.logits.dtype, write: false },
      { buffer: c.targets.buffer, dtype: c.targets.dtype, write: false },
      { buffer: c.lse.buffer, dtype: c.lse.dtype, write: false },
      { buffer: c.dy.buffer, dtype: c.dy.dtype, write: false },
      { buffer: c.dlogits.buffer, dtype: c.dlogits.dtype, write: true }
    ],
    uniforms: words,
    groups: Math.ceil(n / 64),
    source: ([xs, ts, ls, dys, ds]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = i32(gid.x + gid.y * nwg.x * 64u);
  if (i >= ui(2u)) { return; }
  let row = i / ui(1u);
  let j = i % ui(1u);
  let t = ldi_${ts}(${at2(7, "row", "0")});
  var g = 0.0;
  if (t >= 0) {
    let p = exp(ld_${xs}(${at2(4, "row", "j")}) - ld_${ls}(${at2(10, "row", "0")}));
    g = ld_${dys}(${at2(13, "row", "0")}) * (select(0.0, 1.0, j == t) - p);
  }
  st_${ds}(${at2(16, "row", "j")}, g);
}`
  })
}
