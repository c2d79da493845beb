/**
 * The call layout shared by the attention kernels: shape checks, the uniform words (sizes,
 * scale, masking, and each view's offset and strides) and the workgroup sizes.
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../../Kernel.ts"
import { f32bits } from "../f32bits.ts"
import { invalidCall } from "../gpuErrors.ts"

/** @since 0.1.0 @category models */
export type AttentionCall = Extract<KernelCall, { kernel: "attention" }> | Extract<KernelCall, { kernel: "attentionBackward" }>

/** Largest head dimension (private arrays are sized by D). @since 0.1.0 @category constants */
export const MAX_D = 256
/** Invocations per workgroup (rows per workgroup in the tiled kernels). @since 0.1.0 @category constants */
export const WG = 64
/** Keys (or query rows) per shared-memory tile of the tiled kernels. @since 0.1.0 @category constants */
export const BC = 16

// Uniforms: 0 B, 1 Hq, 2 Hkv, 3 T, 4 S, 5 scale, 6 causal, 7 qOffset, 8 kvLength, 9 rows,
// 10 the D loop bound (D or D/4);
// 4-D views (offset, 4 strides) from 12, 5 words each; lse (offset, 3 strides) at 52;
// at 56, kvLengths (offset, stride) in the forward, the key-row count B·Hkv·S in the backward.

/** First uniform word of 4-D view i (offset, then 4 strides). @since 0.1.0 @category constants */
export const view4 = (i: number): number => 12 + 5 * i
/** @since 0.1.0 @category constants */
export const LSE_AT = 52
/** @since 0.1.0 @category constants */
export const KVL_AT = 56

/** Writes view i's offset and strides into the uniform words. @since 0.1.0 @category utils */
export const pack = (words: Array<number>, i: number, v: View): void => {
  const at = view4(i)
  words[at] = v.offset
  for (let d = 0; d < 4; d++) words[at + 1 + d] = v.strides[d] ?? 0
}

/** The uniform words common to forward and backward (sizes, scale, masking, lse view). @since 0.1.0 @category utils */
export const header = (c: AttentionCall, rows: number): Array<number> => {
  const [B, Hq, T] = c.q.shape as [number, number, number, number]
  const [, Hkv, S] = c.k.shape as [number, number, number, number]
  const words = new Array<number>(60).fill(0)
  words.splice(0, 10, B, Hq, Hkv, T, S, f32bits(c.scale), c.causal ? 1 : 0, c.qOffset, c.kvLength, rows)
  words[LSE_AT] = c.lse.offset
  for (let d = 0; d < 3; d++) words[LSE_AT + 1 + d] = c.lse.strides[d] ?? 0
  return words
}

/** Checks the shapes the kernels rely on and returns the head dimension D. @since 0.1.0 @category utils */
export const validateAttention = (kernel: string, c: AttentionCall): number => {
  if (c.q.shape.length !== 4 || c.k.shape.length !== 4 || c.v.shape.length !== 4) {
    throw invalidCall(kernel, "q, k, v must be [B, H, T, D]")
  }
  const D = c.q.shape[3]!
  const Hq = c.q.shape[1]!
  const Hkv = c.k.shape[1]!
  if (Hkv === 0 || Hq % Hkv !== 0) throw invalidCall(kernel, "Hq must be a multiple of Hkv")
  if (D > MAX_D) throw invalidCall(kernel, `head dimension ${D} exceeds ${MAX_D}`)
  return D
}

/** Whether q, k, v (and dout) can be read as vec4 along D (contiguous D, 4-aligned).
 * @since 0.1.0 @category utils */
export const vec4Ok = (D: number, views: ReadonlyArray<View>): boolean =>
  D % 4 === 0 &&
  views.every((v) =>
    (v.dtype === "f32" || v.dtype === "f16") && v.strides[3] === 1 && v.offset % 4 === 0 &&
    v.strides.slice(0, 3).every((x) => x % 4 === 0)
  )
