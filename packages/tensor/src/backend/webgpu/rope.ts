/**
 * Rotary position embedding (rotate-half), forward or inverse, one thread per rotated pair.
 * Angles are computed in f32 (position · theta^(-2i/D)); their absolute error grows with the
 * position (about position · 1e-7 rad).
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./KernelContext.ts"
import { f32bits } from "./f32bits.ts"

type Call = Extract<KernelCall, { kernel: "rope" }>

/** @since 0.1.0 @category kernels */
export const rope = ({ rt }: KernelContext, c: Call): void => {
  if (c.x.shape.length !== 4) throw invalidCall("rope", "x must be [B, H, T, D]")
  const [B, H, T, D] = c.x.shape as [number, number, number, number]
  if (D % 2 !== 0) throw invalidCall("rope", "D must be even")
  const half = D / 2
  const n = B * H * T * half
  if (n === 0) return
  const words = [
    n, H, T, half, f32bits(Math.log2(c.theta)), c.inverse ? 1 : 0, 0, 0,
    c.x.offset, ...c.x.strides,
    c.out.offset, ...c.out.strides,
    c.positions.offset, ...c.positions.strides
  ]
  rt.run({
    kernel: "rope",
    key: "",
    bindings: [
      { buffer: c.x.buffer, dtype: c.x.dtype, write: false },
      { buffer: c.positions.buffer, dtype: c.positions.dtype, write: false },
      { buffer: c.out.buffer, dtype: c.out.dtype, write: true }
    ],
    uniforms: words,
    groups: Math.ceil(n / 64),
    source: ([xs, ps, os]) => `
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = i32(gid.x + gid.y * nwg.x * 64u);
  if (idx >= ui(0u)) { return; }
  let H = ui(1u); let T = ui(2u); let half = ui(3u);
  let i = idx % half;
  let t = (idx / half) % T;
  let h = (idx / (half * T)) % H;
  let b = idx / (half * T * H);
  let pos = f32(ldi_${ps}(ui(18u) + b * ui(19u) + t * ui(20u)));
  let invFreq = exp2(-f32(2 * i) / f32(2 * half) * uf(4u));
  var ang = pos * invFreq;
  if (u(5u) != 0u) { ang = -ang; }
  let cs = cos(ang); let sn = sin(ang);
  let xb = ui(8u) + b * ui(9u) + h * ui(10u) + t * ui(11u);
  let x1 = ld_${xs}(xb + i * ui(12u));
  let x2 = ld_${xs}(xb + (i + half) * ui(12u));
  let ob = ui(13u) + b * ui(14u) + h * ui(15u) + t * ui(16u);
  st_${os}(ob + i * ui(17u), x1 * cs - x2 * sn);
  st_${os}(ob + (i + half) * ui(17u), x2 * cs + x1 * sn);
}`
  })
}
