/**
 * Attention backward as batched matmuls over a materialized score matrix, for CPU
 * rasterizers (llvmpipe), where the per-thread kernels reach ~1-2 GFLOP/s and the register
 * matmuls 8-14: S = Q·Kᵀ and dP = dO·Vᵀ, then one pointwise pass turns them into
 * P = exp(S·scale − lse) (masked) and dS = P∘(dP − Di)·scale with Di = rowsum(dO∘O), then
 * dQ = dS·K, dK = dSᵀ·Q, dV = Pᵀ·dO. Score rows are padded to a multiple of 4 keys (zeros
 * past S), so the matmuls read every operand in place. Costs O(B·H·T·S) scratch; used when
 * every query head has its own KV head (no group sum) and the scores fit one binding.
 *
 * @since 0.1.0
 */
import type { KernelCall, View } from "../../Kernel.ts"
import type { KernelContext } from "../KernelContext.ts"
import type { Triangle } from "../matmul.ts"
import { matmul } from "../matmul.ts"
import { pointwise } from "../pointwise.ts"
import { f32bits } from "../f32bits.ts"

type Call = Extract<KernelCall, { kernel: "attentionBackward" }>

/** Largest score scratch (bytes, each of two buffers). */
const MAX_SCORE_BYTES = 1 << 28
const WG = 64

const pad4 = (n: number): number => Math.ceil(n / 4) * 4

// Uniforms: 0 T, 1 S, 2 Sp (padded S), 3 H, 4 scale, 5 causal, 6 qOffset, 7 kvLength,
// 8 invocation count, 9 D; lse (offset, 3 strides) at 10; out and dout (offset, 4 strides)
// at 14 and 19.
const LSE_AT = 10
const OUT_AT = 14
const DOUT_AT = 19

const entry = `@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = i32(gid.x + gid.y * nwg.x * ${WG}u);
  if (idx >= ui(8u)) { return; }
  let T = ui(0u); let S = ui(1u); let Sp = ui(2u); let H = ui(3u);`

/** Row r = (b, h, t) of the [B, H, T] query rows. */
const rowCoords = (r: string) => `let t = ${r} % T; let h = (${r} / T) % H; let b = ${r} / (T * H);`

const at = (base: number, b: string, h: string, t: string, d: string) =>
  `(ui(${base}u) + ${b} * ui(${base + 1}u) + ${h} * ui(${base + 2}u) + ${t} * ui(${base + 3}u) + ${d} * ui(${base + 4}u))`

/** Di = Σ_d dout·out per query row. */
const deltaSource = ([os, dos, dl]: ReadonlyArray<string>): string => `
${entry}
  ${rowCoords("idx")}
  var di = 0.0;
  for (var d = 0; d < ui(9u); d++) {
    di = fma(ld_${dos}(${at(DOUT_AT, "b", "h", "t", "d")}), ld_${os}(${at(OUT_AT, "b", "h", "t", "d")}), di);
  }
  st_${dl}(idx, di);
}`

/** In place over the padded [B, H, T, Sp] scores: S → P and dP → dS·scale (0 where masked). */
const probsSource = ([ss, ps, ls, dl]: ReadonlyArray<string>): string => `
${entry}
  let s = idx % Sp; let r = idx / Sp;
  ${rowCoords("r")}
  let kvLen = min(ui(7u), S);
  let n = max(0, select(kvLen, min(kvLen, ui(6u) + t + 1), u(5u) != 0u));
  var p = 0.0;
  var ds = 0.0;
  if (s < n) {
    let scale = uf(4u);
    p = exp(ld_${ss}(idx) * scale - ld_${ls}(ui(${LSE_AT}u) + b * ui(${LSE_AT + 1}u) + h * ui(${LSE_AT + 2}u) + t * ui(${LSE_AT + 3}u)));
    ds = p * (ld_${ps}(idx) - ld_${dl}(r)) * scale;
  }
  st_${ss}(idx, p);
  st_${ps}(idx, ds);
}`

/** Whether a matmul may write `v` directly (unit column stride, batch dims that collapse). */
const matmulOut = (v: View): boolean =>
  v.strides[3] === 1 && (v.shape[0] === 1 || v.shape[1] === 1 || v.strides[0] === v.shape[1]! * v.strides[1]!)

/**
 * Whether the matmul formulation applies (see the module comment).
 *
 * @since 0.1.0
 * @category kernels
 */
export const attentionBackwardMatmulApplies = (ctx: KernelContext, c: Call): boolean => {
  const [B, Hq, T, D] = c.q.shape as [number, number, number, number]
  const [, Hkv, S] = c.k.shape as [number, number, number, number]
  const bytes = B * Hq * T * pad4(S) * 4
  return ctx.matmul !== "tiled" && Hq === Hkv && B * Hq * T * S * D > 0 &&
    bytes <= Math.min(MAX_SCORE_BYTES, ctx.maxBinding) && matmulOut(c.dq)
}

/**
 * Runs attentionBackward as matmuls (call only where `attentionBackwardMatmulApplies`).
 *
 * @since 0.1.0
 * @category kernels
 */
export const attentionBackwardMatmul = (ctx: KernelContext, c: Call): void => {
  const { rt } = ctx
  const [B, H, T, D] = c.q.shape as [number, number, number, number]
  const S = c.k.shape[2]!
  const Sp = pad4(S)
  const rows = B * H * T
  const scratch: Array<ReturnType<typeof rt.allocate>> = []
  const alloc = (elements: number) => {
    const b = rt.allocate(elements * 4)
    scratch.push(b)
    return b
  }
  const contiguous = (buffer: ReturnType<typeof rt.allocate>, shape: ReadonlyArray<number>): View => ({
    buffer,
    dtype: "f32",
    shape,
    strides: [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1],
    offset: 0
  })
  const transposed = (v: View): View => ({
    ...v,
    shape: [v.shape[0]!, v.shape[1]!, v.shape[3]!, v.shape[2]!],
    strides: [v.strides[0]!, v.strides[1]!, v.strides[3]!, v.strides[2]!]
  })
  const scores = contiguous(alloc(rows * Sp), [B, H, T, Sp])
  const dscores = { ...scores, buffer: alloc(rows * Sp) }
  const visibleCols = (v: View): View => ({ ...v, shape: [B, H, T, S] })
  // Causal: query row t sees keys s <= t + qOffset, so about half of each product is known
  // zero (or never read) and the register kernels skip it.
  const tri = (mode: Triangle["mode"]): Triangle | undefined => c.causal ? { mode, offset: c.qOffset } : undefined
  matmul(ctx, { kernel: "matmul", a: c.q, b: transposed(c.k), out: visibleCols(scores) }, tri("skipAbove"))
  matmul(ctx, { kernel: "matmul", a: c.dout, b: transposed(c.v), out: visibleCols(dscores) }, tri("skipAbove"))

  const words = new Array<number>(24).fill(0)
  words.splice(0, 10, T, S, Sp, H, f32bits(c.scale), c.causal ? 1 : 0, c.qOffset, c.kvLength, rows, D)
  words[LSE_AT] = c.lse.offset
  for (let d = 0; d < 3; d++) words[LSE_AT + 1 + d] = c.lse.strides[d]!
  for (const [base, v] of [[OUT_AT, c.out], [DOUT_AT, c.dout]] as const) {
    words[base] = v.offset
    for (let d = 0; d < 4; d++) words[base + 1 + d] = v.strides[d]!
  }
  const delta = alloc(rows)
  rt.run({
    kernel: "attentionBackward-delta",
    key: "",
    bindings: [
      { buffer: c.out.buffer, dtype: c.out.dtype, write: false },
      { buffer: c.dout.buffer, dtype: c.dout.dtype, write: false },
      { buffer: delta, dtype: "f32", write: true }
    ],
    uniforms: words,
    groups: Math.ceil(rows / WG),
    source: deltaSource
  })
  const probWords = [...words]
  probWords[8] = rows * Sp
  rt.run({
    kernel: "attentionBackward-probs",
    key: "",
    bindings: [
      { buffer: scores.buffer, dtype: "f32", write: true },
      { buffer: dscores.buffer, dtype: "f32", write: true },
      { buffer: c.lse.buffer, dtype: c.lse.dtype, write: false },
      { buffer: delta, dtype: "f32", write: false }
    ],
    uniforms: probWords,
    groups: Math.ceil((rows * Sp) / WG),
    source: probsSource
  })

  // K and the key-side gradients padded to Sp rows: the padded score columns are zero.
  const kvShape = [B, H, Sp, D] as const
  let kp = c.k
  if (Sp !== S) {
    kp = contiguous(alloc(B * H * Sp * D), kvShape)
    pointwise(rt, { kernel: "fill", out: kp, value: 0 })
    pointwise(rt, { kernel: "copy", x: c.k, out: { ...kp, shape: [B, H, S, D] } })
  }
  matmul(ctx, { kernel: "matmul", a: dscores, b: kp, out: c.dq }, tri("kUpTo"))
  for (const [probs, x, out] of [[dscores, c.q, c.dk], [scores, c.dout, c.dv]] as const) {
    if (Sp === S && matmulOut(out)) {
      matmul(ctx, { kernel: "matmul", a: transposed(probs), b: x, out }, tri("kFrom"))
    } else {
      const padded = contiguous(alloc(B * H * Sp * D), kvShape)
      matmul(ctx, { kernel: "matmul", a: transposed(probs), b: x, out: padded }, tri("kFrom"))
      pointwise(rt, { kernel: "copy", x: { ...padded, shape: [B, H, S, D] }, out })
    }
  }
  for (const b of scratch) rt.free(b)
}
