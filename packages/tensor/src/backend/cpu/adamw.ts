/**
 * CPU AdamW step, in place on param, m and v (see the `adamw` kernel in `Kernel.ts`).
 *
 * @since 0.1.0
 */
import { isRowMajor } from "../../tensor/shape.ts"
import type { View } from "../Kernel.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import { gather, scatter } from "./Storage.ts"

const inPlace = (v: View): boolean => v.dtype === "f32" && isRowMajor(v.shape, v.strides)

/** @since 0.1.0 */
export const adamw: CpuKernel<"adamw"> = (call, hosts) => {
  // Contiguous f32 state (the usual case) is updated where it lives: no copies, one pass.
  const direct = inPlace(call.param) && inPlace(call.m) && inPlace(call.v)
  const p = gather(hosts.param, call.param, !direct)
  const g = gather(hosts.grad, call.grad)
  const m = gather(hosts.m, call.m, !direct)
  const v = gather(hosts.v, call.v, !direct)
  const { beta1, beta2, biasCorrection1, biasCorrection2, eps, gradScale, lr, weightDecay } = call
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]! * gradScale
    const mi = beta1 * m[i]! + (1 - beta1) * gi
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi
    m[i] = mi
    v[i] = vi
    const pi = p[i]!
    p[i] = pi - lr * (mi / biasCorrection1 / (Math.sqrt(vi / biasCorrection2) + eps) + weightDecay * pi)
  }
  if (direct) return
  scatter(hosts.m, call.m, m)
  scatter(hosts.v, call.v, v)
  scatter(hosts.param, call.param, p)
}
