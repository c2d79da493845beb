/**
 * Fused AdamW step, in place on param (f32 or f16), m and v (f32), one thread per element.
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import { runElementwise } from "./elementwise.ts"
import type { KernelContext } from "./KernelContext.ts"
import { f32bits } from "./f32bits.ts"

type Call = Extract<KernelCall, { kernel: "adamw" }>

/** @since 0.1.0 @category kernels */
export const adamw = ({ rt }: KernelContext, c: Call): void => {
  runElementwise(
    rt,
    "adamw",
    "",
    c.param.shape,
    [
      { view: c.param, write: true },
      { view: c.grad, write: false },
      { view: c.m, write: true },
      { view: c.v, write: true }
    ],
    [c.lr, c.beta1, c.beta2, c.eps, c.weightDecay, c.biasCorrection1, c.biasCorrection2, c.gradScale].map(f32bits),
    ([p, g, m, v]) => `
  let lr = uf(1u); let b1 = uf(2u); let b2 = uf(3u); let eps = uf(4u);
  let wd = uf(5u); let c1 = uf(6u); let c2 = uf(7u); let gs = uf(8u);
  let gi = ld_${g}(o1) * gs;
  let mi = b1 * ld_${m}(o2) + (1.0 - b1) * gi;
  let vi = b2 * ld_${v}(o3) + (1.0 - b2) * gi * gi;
  st_${m}(o2, mi);
  st_${v}(o3, vi);
  let pi = ld_${p}(o0);
  st_${p}(o0, pi - lr * (mi / c1 / (sqrt(vi / c2) + eps) + wd * pi));`
  )
}
