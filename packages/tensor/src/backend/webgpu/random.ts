/**
 * Philox-4x32-10 random numbers, bit-identical to the CPU generator (`src/philox.ts`):
 * element i uses the block at 64-bit counter (counter + i) = (lo, hi, 0, 0). Uniform is
 * (w0 >>> 8) · 2^-24 exactly; normal uses f32 Box-Muller (CPU uses f64: close, not equal).
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import type { KernelContext } from "./KernelContext.ts"
import { numel } from "../../tensor/shape.ts"

type Call = Extract<KernelCall, { kernel: "random" }>

const PHILOX = `
fn mulhi32(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu; let ah = a >> 16u; let bl = b & 0xffffu; let bh = b >> 16u;
  let ll = al * bl; let lh = al * bh; let hl = ah * bl;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}
fn philox(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  var x = c; var key = k;
  for (var r = 0; r < 10; r++) {
    let hi0 = mulhi32(0xd2511f53u, x.x); let lo0 = 0xd2511f53u * x.x;
    let hi1 = mulhi32(0xcd9e8d57u, x.z); let lo1 = 0xcd9e8d57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ key.x, lo1, hi0 ^ x.w ^ key.y, lo0);
    key = key + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return x;
}`

/** @since 0.1.0 @category kernels */
export const random = ({ rt }: KernelContext, c: Call): void => {
  const n = numel(c.out.shape)
  if (n === 0) return
  const lo = c.counter % 4294967296
  const hi = Math.floor(c.counter / 4294967296)
  rt.run({
    kernel: "random",
    key: c.distribution,
    bindings: [{ buffer: c.out.buffer, dtype: c.out.dtype, write: true }],
    uniforms: [n, c.key[0] >>> 0, c.key[1] >>> 0, lo >>> 0, hi >>> 0, c.out.offset],
    groups: Math.ceil(n / 64),
    source: ([os]) => `${PHILOX}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= u(0u)) { return; }
  let lo = u(3u) + i;
  let hi = u(4u) + select(0u, 1u, lo < i);
  let w = philox(vec4<u32>(lo, hi, 0u, 0u), vec2<u32>(u(1u), u(2u)));
  ${
      c.distribution === "uniform"
        ? "let v = f32(w.x >> 8u) * 5.9604644775390625e-8;"
        : `let u1 = f32((w.x >> 8u) + 1u) * 5.9604644775390625e-8;
  let u2 = f32(w.y >> 8u) * 5.9604644775390625e-8;
  let v = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);`
    }
  st_${os}(ui(5u) + i32(i), v);
}`
  })
}
