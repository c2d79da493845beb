/**
 * CPU AdamW step, in place on param, m and v (see the `adamw` kernel in `Kernel.ts`).
 *
 * @since 0.1.0
 */
import type { CpuKernel } from "./CpuKernel.ts"
import { gather, scatter } from "./Storage.ts"

/** @since 0.1.0 */
export const adamw: CpuKernel<"adamw"> = (call, hosts) => {
  const p = gather(hosts.param, call.param, true)
  const g = gather(hosts.grad, call.grad, true)
  const m = gather(hosts.m, call.m, true)
  const v = gather(hosts.v, call.v, true)
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
  scatter(hosts.m, call.m, m)
  scatter(hosts.v, call.v, v)
  scatter(hosts.param, call.param, p)
}
