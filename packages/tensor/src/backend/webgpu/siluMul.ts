/**
 * The SwiGLU gate fused into one dispatch: out = silu(gate) · up, and its backward (one
 * dispatch writing dgate and dup), one invocation per element. The views are contiguous by
 * contract, so only their offsets travel. The exponential is WGSL's `exp` (f32), so results
 * match the CPU within a few f32 ulps rather than bit for bit.
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import type { KernelContext } from "./KernelContext.ts"
import { entryParams, linearIndex } from "./wgslHeader.ts"

const WG = 64

/** sigmoid without overflow for large |x| (exp of a non-positive argument only). */
const sigmoidFn = `fn sigmoidOf(x: f32) -> f32 { let e = exp(-abs(x)); return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0); }`

/** @since 0.1.0 @category kernels */
export const siluMul = ({ rt }: KernelContext, c: Extract<KernelCall, { kernel: "siluMul" }>): void => {
  const n = c.out.shape.reduce((a, b) => a * b, 1)
  if (n === 0) return
  rt.run({
    kernel: "siluMul",
    key: "",
    bindings: [
      { buffer: c.gate.buffer, dtype: c.gate.dtype, write: false },
      { buffer: c.up.buffer, dtype: c.up.dtype, write: false },
      { buffer: c.out.buffer, dtype: c.out.dtype, write: true }
    ],
    // 0 n, 1-3 offsets of gate, up, out.
    uniforms: [n, c.gate.offset, c.up.offset, c.out.offset],
    groups: Math.ceil(n / WG),
    source: ([gs, us, os]) => `
${sigmoidFn}
@compute @workgroup_size(${WG}) fn main(${entryParams}) {
  let i = ${linearIndex(WG)};
  if (i >= ui(0u)) { return; }
  let x = ld_${gs}(ui(1u) + i);
  st_${os}(ui(3u) + i, (x * sigmoidOf(x)) * ld_${us}(ui(2u) + i));
}`
  })
}

/** @since 0.1.0 @category kernels */
export const siluMulBackward = ({ rt }: KernelContext, c: Extract<KernelCall, { kernel: "siluMulBackward" }>): void => {
  const n = c.dy.shape.reduce((a, b) => a * b, 1)
  if (n === 0) return
  rt.run({
    kernel: "siluMulBackward",
    key: "",
    bindings: [
      { buffer: c.gate.buffer, dtype: c.gate.dtype, write: false },
      { buffer: c.up.buffer, dtype: c.up.dtype, write: false },
      { buffer: c.dy.buffer, dtype: c.dy.dtype, write: false },
      { buffer: c.dgate.buffer, dtype: c.dgate.dtype, write: true },
      { buffer: c.dup.buffer, dtype: c.dup.dtype, write: true }
    ],
    // 0 n, 1-5 offsets of gate, up, dy, dgate, dup.
    uniforms: [n, c.gate.offset, c.up.offset, c.dy.offset, c.dgate.offset, c.dup.offset],
    groups: Math.ceil(n / WG),
    source: ([gs, us, ds, dgs, dus]) => `
${sigmoidFn}
@compute @workgroup_size(${WG}) fn main(${entryParams}) {
  let i = ${linearIndex(WG)};
  if (i >= ui(0u)) { return; }
  let x = ld_${gs}(ui(1u) + i);
  let d = ld_${ds}(ui(3u) + i);
  let s = sigmoidOf(x);
  st_${dus}(ui(5u) + i, d * (x * s));
  st_${dgs}(ui(4u) + i, (d * ld_${us}(ui(2u) + i)) * (s * (1.0 + x * (1.0 - s))));
}`
  })
}
