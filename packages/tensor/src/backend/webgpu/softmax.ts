/**
 * Softmax / log-softmax over the last axis and their backward, one workgroup per row.
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import type { KernelContext } from "./KernelContext.ts"
import { NEG_INF } from "./wgslHeader.ts"
import { asMatrix, matrixAt, putMatrix, rowGroups, rowKernel, rowMode, rowStep } from "./rows.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

// Uniforms: 0 rows, 1 cols, then (offset, rowStride, colStride) per operand from 4.
const idx = (at: number, col: string) => matrixAt(at, "row", col)

/** @since 0.1.0 @category kernels */
export const softmax = ({ rt, software }: KernelContext, c: Call<"softmax">): void => {
  const x = asMatrix("softmax", c.x)
  const mode = rowMode(software, x.rows)
  const o = asMatrix("softmax", c.out)
  if (x.rows * x.cols === 0) return
  const words = [x.rows, x.cols, 0, 0]
  putMatrix(words, 4, x)
  putMatrix(words, 7, o)
  rt.run({
    kernel: "softmax",
    key: `${c.log ? "log" : ""}|${mode}`,
    bindings: [{ buffer: c.x.buffer, dtype: c.x.dtype, write: false }, { buffer: c.out.buffer, dtype: c.out.dtype, write: true }],
    uniforms: words,
    groups: rowGroups(mode, x.rows),
    source: ([xs, os]) => `${rowKernel(mode, "ui(0u)")}
  let n = ui(1u);
  var m = ${NEG_INF};
  for (var j = li; j < n; j += ${rowStep(mode)}) { m = max(m, ld_${xs}(${idx(4, "j")})); }
  m = wgMax(m, l);
  var s = 0.0;
  for (var j = li; j < n; j += ${rowStep(mode)}) { s += exp(ld_${xs}(${idx(4, "j")}) - m); }
  s = wgSum(s, l);
  ${c.log ? "let ls = m + log(s);" : "let inv = 1.0 / s;"}
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    let v = ld_${xs}(${idx(4, "j")});
    st_${os}(${idx(7, "j")}, ${c.log ? "v - ls" : "exp(v - m) * inv"});
  }
}`
  })
}

/** @since 0.1.0 @category kernels */
export const softmaxBackward = ({ rt, software }: KernelContext, c: Call<"softmaxBackward">): void => {
  const y = asMatrix("softmaxBackward", c.y)
  const mode = rowMode(software, y.rows)
  const dy = asMatrix("softmaxBackward", c.dy)
  const dx = asMatrix("softmaxBackward", c.dx)
  if (y.rows * y.cols === 0) return
  const words = [y.rows, y.cols, 0, 0]
  putMatrix(words, 4, y)
  putMatrix(words, 7, dy)
  putMatrix(words, 10, dx)
  rt.run({
    kernel: "softmaxBackward",
    key: `${c.log ? "log" : ""}|${mode}`,
    bindings: [
      { buffer: c.y.buffer, dtype: c.y.dtype, write: false },
      { buffer: c.dy.buffer, dtype: c.dy.dtype, write: false },
      { buffer: c.dx.buffer, dtype: c.dx.dtype, write: true }
    ],
    uniforms: words,
    groups: rowGroups(mode, y.rows),
    source: ([ys, dys, dxs]) => `${rowKernel(mode, "ui(0u)")}
  let n = ui(1u);
  var s = 0.0;
  for (var j = li; j < n; j += ${rowStep(mode)}) { s += ld_${dys}(${idx(7, "j")})${c.log ? "" : ` * ld_${ys}(${idx(4, "j")})`}; }
  s = wgSum(s, l);
  for (var j = li; j < n; j += ${rowStep(mode)}) {
    let yv = ld_${ys}(${idx(4, "j")});
    let g = ld_${dys}(${idx(7, "j")});
    st_${dxs}(${idx(10, "j")}, ${c.log ? "g - exp(yv) * s" : "yv * (g - s)"});
  }
}`
  })
}
