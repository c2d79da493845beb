/**
 * Attention backward: on CPU rasterizers as batched matmuls where it applies
 * (`backwardMatmul.ts`), else two deterministic passes (per query row: dq and Di; per key
 * row: dk and dv summed over the query heads of its group), tiled on real GPUs.
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../../Kernel.ts"
import type { KernelContext } from "../KernelContext.ts"
import { attentionBackwardMatmul, attentionBackwardMatmulApplies } from "./backwardMatmul.ts"
import { dkvScalar, dkvVec4, dqScalar, dqVec4 } from "./backwardRowShaders.ts"
import { dkvTiled, dqTiled } from "./backwardTiledShaders.ts"
import { BC, header, KVL_AT, pack, validateAttention, vec4Ok, WG } from "./callLayout.ts"

type Call = Extract<KernelCall, { kernel: "attentionBackward" }>

/** @since 0.1.0 @category kernels */
export const attentionBackward = (ctx: KernelContext, c: Call): void => {
  const { attention: variant, maxWorkgroupStorage, rt } = ctx
  const D = validateAttention("attentionBackward", c)
  // CPU rasterizers: the register matmuls outrun the per-thread passes several times over.
  if (variant === "thread" && attentionBackwardMatmulApplies(ctx, c)) return attentionBackwardMatmul(ctx, c)
  const [B, Hq, T] = c.q.shape as [number, number, number, number]
  const [, Hkv, S] = c.k.shape as [number, number, number, number]
  const rows = B * Hq * T
  const keyRows = B * Hkv * S
  const views = [c.q, c.k, c.v, c.out, c.dout, c.dq, c.dk, c.dv]
  const words = header(c, rows)
  views.forEach((v, i) => pack(words, i, v))
  const delta = rt.allocate(Math.max(1, rows) * 4)
  words[KVL_AT] = keyRows
  const vec = vec4Ok(D, [c.q, c.k, c.v, c.dout])
  words[10] = vec ? D / 4 : D
  const ro = (v: View, v4 = false) => ({ buffer: v.buffer, dtype: v.dtype, write: false, vec4: vec && v4 })
  const rw = (v: View) => ({ buffer: v.buffer, dtype: v.dtype, write: true })
  const dqBindings = [ro(c.q, true), ro(c.k, true), ro(c.v, true), ro(c.out), ro(c.dout, true), ro(c.lse), rw(c.dq), {
    buffer: delta,
    dtype: "f32" as const,
    write: true
  }]
  const dkvBindings = [ro(c.q, true), ro(c.k, true), ro(c.v, true), ro(c.dout, true), ro(c.lse), {
    buffer: delta,
    dtype: "f32" as const,
    write: false
  }, rw(c.dk), rw(c.dv)]
  const tiled = vec && variant === "tiled" && 2 * BC * D * 4 + 2 * BC * 4 <= maxWorkgroupStorage && B <= 65535 &&
    Hq <= 65535
  if (tiled && rows > 0 && keyRows > 0) {
    rt.run({
      kernel: "attentionBackward-dq-tiled",
      key: `D${D}`,
      bindings: dqBindings,
      uniforms: words,
      groups: [Math.ceil(T / WG), Hq, B],
      source: (names) => dqTiled(names, D)
    })
    rt.run({
      kernel: "attentionBackward-dkv-tiled",
      key: `D${D}`,
      bindings: dkvBindings,
      uniforms: words,
      groups: [Math.ceil(S / WG), Hkv, B],
      source: (names) => dkvTiled(names, D)
    })
    rt.free(delta)
    return
  }
  if (rows > 0) {
    rt.run({
      kernel: "attentionBackward-dq",
      key: `D${D}|${vec ? "v4" : ""}`,
      bindings: dqBindings,
      uniforms: words,
      groups: Math.ceil(rows / WG),
      source: (names) => vec ? dqVec4(names, D) : dqScalar(names, D)
    })
  }
  if (keyRows > 0) {
    rt.run({
      kernel: "attentionBackward-dkv",
      key: `D${D}|${vec ? "v4" : ""}`,
      bindings: dkvBindings,
      uniforms: words,
      groups: Math.ceil(keyRows / WG),
      source: (names) => vec ? dkvVec4(names, D) : dkvScalar(names, D)
    })
  }
  rt.free(delta)
}
