/**
 * Per-row log-prob of a target (logits minus log-sum-exp) and its backward. A target
 * outside [0, V) (the ignore index -1, or an id past the vocabulary) gives 0 and a zero
 * gradient row, as on the CPU.
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import type { KernelContext } from "./KernelContext.ts"
import { NEG_INF } from "./wgslHeader.ts"
import { asMatrix, matrixAt, perRow, putMatrix, rowGroups, rowKernel, rowMode, rowStep } from "./rows.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>


/** @since 0.1.0 @category kernels */
export const logprobGather = ({ rt, software }: KernelContext, c: Call<"logprobGather">): void => {
  const x = asMatrix("logprobGather", c.logits)
  const mode = rowMode(software, x.rows)
  if (x.rows === 0) return
  const words = [x.rows, x.cols, 0, 0]
  putMatrix(words, 4, x)
  putMatrix(words, 7, perRow("logprobGather", c.targets))
  putMatrix(words, 10, perRow("logprobGather", c.out))
  putMatrix(words, 13, perRow("logprobGather", c.lse))
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
  for (var j = li; j < n; j += ${rowStep(mode)}) { m = max(m, ld_${xs}(${matrixAt(4, "row", "j")})); }
  m = wgMax(m, l);
  var s = 0.0;
  for (var j = li; j < n; j += ${rowStep(mode)}) { s += exp(ld_${xs}(${matrixAt(4, "row", "j")}) - m); }
  s = wgSum(s, l);
  if (l == 0u) {
    let lse = m + log(s);
    let t = ldi_${ts}(${matrixAt(7, "row", "0")});
    var o = 0.0;
    if (t >= 0 && t < n) { o = ld_${xs}(${matrixAt(4, "row", "t")}) - lse; }
    st_${os}(${matrixAt(10, "row", "0")}, o);
    st_${ls}(${matrixAt(13, "row", "0")}, lse);
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
  putMatrix(words, 4, x)
  putMatrix(words, 7, perRow("logprobGatherBackward", c.targets))
  putMatrix(words, 10, perRow("logprobGatherBackward", c.lse))
  putMatrix(words, 13, perRow("logprobGatherBackward", c.dy))
  putMatrix(words, 16, asMatrix("logprobGatherBackward", c.dlogits))
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
  let t = ldi_${ts}(${matrixAt(7, "row", "0")});
  var g = 0.0;
  // A target outside [0, V) (ignored, or past the vocabulary) had a constant 0 forward.
  if (t >= 0 && t < ui(1u)) {
    let p = exp(ld_${xs}(${matrixAt(4, "row", "j")}) - ld_${ls}(${matrixAt(10, "row", "0")}));
    g = ld_${dys}(${matrixAt(13, "row", "0")}) * (select(0.0, 1.0, j == t) - p);
  }
  st_${ds}(${matrixAt(16, "row", "j")}, g);
}`
  })
}
