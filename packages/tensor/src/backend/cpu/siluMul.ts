/**
 * The SwiGLU gate fused into one pass: out = silu(gate) · up, and its backward. Every
 * intermediate is rounded to f32 exactly where the unfused silu / sigmoid / mul / sub / add
 * kernels and their gradient rules round it, so f32 results equal the unfused composition
 * bit for bit while reading each input once and allocating no temporaries.
 *
 * @since 0.1.0
 */
import type { CpuKernel } from "./CpuKernel.ts"
import { sigmoid } from "./elementwise.ts"
import { destination, gather } from "./Storage.ts"

const f = Math.fround

/** @since 0.1.0 */
export const siluMul: CpuKernel<"siluMul"> = (call, hosts) => {
  const g = gather(hosts.gate, call.gate)
  const u = gather(hosts.up, call.up)
  const dst = destination(hosts.out, call.out)
  const o = dst.data
  for (let i = 0; i < o.length; i++) {
    const x = g[i]!
    o[i] = f(x * sigmoid(x)) * u[i]!
  }
  dst.commit()
}

/** @since 0.1.0 */
export const siluMulBackward: CpuKernel<"siluMulBackward"> = (call, hosts) => {
  const g = gather(hosts.gate, call.gate)
  const u = gather(hosts.up, call.up)
  const dy = gather(hosts.dy, call.dy)
  const dg = destination(hosts.dgate, call.dgate)
  const du = destination(hosts.dup, call.dup)
  const og = dg.data
  const ou = du.data
  for (let i = 0; i < og.length; i++) {
    const x = g[i]!
    const d = dy[i]!
    // The unfused rules: mul gives d·up to silu and d·silu(x) to up; silu's rule is
    // g·(s·(1 + x·(1 - s))) with s = sigmoid(x), one f32 rounding per op.
    const s = f(sigmoid(x))
    ou[i] = d * f(x * sigmoid(x))
    og[i] = f(d * u[i]!) * f(s * f(1 + f(x * f(1 - s))))
  }
  dg.commit()
  du.commit()
}
