/**
 * Fused attention forward with grouped-query heads and online softmax. Visible keys for
 * batch b, query row t: s < min(kvLength_b, S, causal ? qOffset + t + 1 : S); a row that
 * sees no key gets out = 0 and lse = -inf (as the CPU reference). Picks the tiled shader on
 * real GPUs and the per-thread one on CPU rasterizers.
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../../Kernel.ts"
import type { KernelContext } from "../KernelContext.ts"
import { BC, header, KVL_AT, pack, validateAttention, vec4Ok, WG } from "./callLayout.ts"
import { forwardScalar, forwardVec4 } from "./forwardRowShaders.ts"
import { forwardTiled } from "./forwardTiledShader.ts"

type Call = Extract<KernelCall, { kernel: "attention" }>

/** @since 0.1.0 @category kernels */
export const attention = ({ attention: variant, maxWorkgroupStorage, rt }: KernelContext, c: Call): void => {
  const D = validateAttention("attention", c)
  const [B, Hq, T] = c.q.shape as [number, number, number, number]
  const rows = B * Hq * T
  if (rows === 0) return
  const words = header(c, rows)
  pack(words, 0, c.q)
  pack(words, 1, c.k)
  pack(words, 2, c.v)
  pack(words, 3, c.out)
  const kvl = c.kvLengths
  if (kvl !== undefined) {
    words[KVL_AT] = kvl.offset
    words[KVL_AT + 1] = kvl.strides[0] ?? 1
  }
  const bindings = [
    { buffer: c.q.buffer, dtype: c.q.dtype, write: false },
    { buffer: c.k.buffer, dtype: c.k.dtype, write: false },
    { buffer: c.v.buffer, dtype: c.v.dtype, write: false },
    { buffer: c.out.buffer, dtype: c.out.dtype, write: true },
    { buffer: c.lse.buffer, dtype: c.lse.dtype, write: true }
  ]
  if (kvl !== undefined) bindings.push({ buffer: kvl.buffer, dtype: kvl.dtype, write: false })
  const vec = vec4Ok(D, [c.q, c.k, c.v])
  words[10] = vec ? D / 4 : D
  if (vec && variant === "tiled" && 2 * BC * D * 4 <= maxWorkgroupStorage && B <= 65535 && Hq <= 65535) {
    rt.run({
      kernel: "attention-tiled",
      key: `D${D}|${kvl !== undefined ? "kvl" : ""}`,
      bindings: bindings.map((b, i) => (i < 3 ? { ...b, vec4: true } : b)),
      uniforms: words,
      groups: [Math.ceil(T / WG), Hq, B],
      source: (names) => forwardTiled(names, D)
    })
    return
  }
  rt.run({
    kernel: "attention",
    key: `D${D}|${kvl !== undefined ? "kvl" : ""}|${vec ? "v4" : ""}`,
    bindings: bindings.map((b, i) => (vec && i < 3 ? { ...b, vec4: true } : b)),
    uniforms: words,
    groups: Math.ceil(rows / WG),
    source: (names) => vec ? forwardVec4(names, D) : forwardScalar(names, D)
  })
}
