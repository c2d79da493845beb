/**
 * Fused neural-network ops: softmax / log-softmax, RMSNorm, RoPE, grouped-query
 * attention, embedding, per-token log-prob gather and masked cross-entropy. Each is
 * one kernel forward and one kernel backward.
 *
 * @since 0.1.0
 */
import type { View } from "../backend/Kernel.ts"
import { isGradEnabled, noGrad } from "../autograd/mode.ts"
import { record } from "../autograd/record.ts"
import { numel, type Shape, showShape } from "../tensor/shape.ts"
import type { Tensor } from "../tensor/Tensor.ts"
import { div, ge, maximum, mul, neg } from "./elementwise.ts"
import { alloc, backendOf, promote, run } from "./internal.ts"
import { sum } from "./reduce.ts"
import { cast, contiguous } from "./views.ts"

/** A row-major reference to x (a view when it already is row-major, else a copy), off the graph; the caller disposes it. */
const rowMajor = (x: Tensor): Tensor => noGrad(() => contiguous(x))

/** A 2-D [rows, d] view of a contiguous tensor. */
export const asRows = (v: View, d: number): View => ({ ...v, shape: [numel(v.shape) / d, d], strides: [d, 1] })

const softmaxImpl = (x: Tensor, log: boolean): Tensor => {
  const t = rowMajor(x)
  const out = alloc(x.backend, x.shape, x.dtype === "i32" ? "f32" : x.dtype)
  run(x.backend, { kernel: "softmax", log, x: t.view, out: out.view })
  t.dispose()
  return record("softmax", out, [x], [out], { log })
}

/**
 * Softmax over the last axis.
 *
 * @since 0.1.0
 * @category nn
 */
export const softmax = (x: Tensor): Tensor => softmaxImpl(x, false)

/**
 * Log-softmax over the last axis.
 *
 * @since 0.1.0
 * @category nn
 */
export const logSoftmax = (x: Tensor): Tensor => softmaxImpl(x, true)

/**
 * RMSNorm over the last axis: x / sqrt(mean(x²) + eps) * weight (statistics in f32).
 *
 * @since 0.1.0
 * @category nn
 */
export const rmsnorm = (x: Tensor, weight: Tensor, eps = 1e-6): Tensor => {
  const d = x.shape[x.rank - 1]!
  if (weight.rank !== 1 || weight.shape[0] !== d) throw new Error(`rmsnorm: weight ${showShape(weight.shape)} for d = ${d}`)
  const backend = backendOf(x, weight)
  const t = rowMajor(x)
  const out = alloc(backend, x.shape, x.dtype)
  const rstd = alloc(backend, [x.size / d], "f32")
  run(backend, {
    kernel: "rmsnorm",
    x: asRows(t.view, d),
    weight: weight.view,
    eps,
    out: asRows(out.view, d),
    rstd: rstd.view
  })
  record("rmsnorm", out, [x, weight], [t, weight, rstd], { d })
  t.dispose()
  rstd.dispose()
  return out
}

/**
 * A residual add and the RMSNorm after it in one kernel: sum = x + residual and
 * out = rmsnorm(sum, weight). The graph records the add and the norm as two ops, so the
 * gradients are exactly those of `add` then `rmsnorm`; on the CPU the f32 results equal that
 * composition bit for bit (the norm reads the f32 sum: an f16 sum differs from the composition
 * by its rounding). x and residual have one shape.
 *
 * @since 0.2.0
 * @category nn
 */
export const addRmsnorm = (
  x: Tensor,
  residual: Tensor,
  weight: Tensor,
  eps = 1e-6
): { readonly sum: Tensor; readonly out: Tensor } => {
  const d = x.shape[x.rank - 1]!
  if (x.shape.length !== residual.shape.length || x.shape.some((n, i) => n !== residual.shape[i])) {
    throw new Error(`addRmsnorm: x ${showShape(x.shape)} and residual ${showShape(residual.shape)} differ`)
  }
  if (weight.rank !== 1 || weight.shape[0] !== d) throw new Error(`addRmsnorm: weight ${showShape(weight.shape)} for d = ${d}`)
  const backend = backendOf(x, residual, weight)
  const a = rowMajor(x)
  const b = rowMajor(residual)
  const sum = alloc(backend, x.shape, promote(x.dtype, residual.dtype))
  const out = alloc(backend, x.shape, sum.dtype)
  const rstd = alloc(backend, [x.size / d], "f32")
  run(backend, {
    kernel: "addRmsnorm",
    x: asRows(a.view, d),
    residual: asRows(b.view, d),
    weight: weight.view,
    eps,
    sum: asRows(sum.view, d),
    out: asRows(out.view, d),
    rstd: rstd.view
  })
  record("add", sum, [x, residual])
  record("rmsnorm", out, [sum, weight], [sum, weight, rstd], { d })
  a.dispose()
  b.dispose()
  rstd.dispose()
  return { sum, out }
}

/**
 * The SwiGLU gate silu(gate) · up in one kernel (forward and backward), equal to
 * `mul(silu(gate), up)` for f32 tensors bit for bit on the CPU backend, without the
 * intermediate silu(gate) tensor. gate and up have one shape.
 *
 * @since 0.1.0
 * @category nn
 */
export const siluMul = (gate: Tensor, up: Tensor): Tensor => {
  if (gate.shape.length !== up.shape.length || gate.shape.some((d, i) => d !== up.shape[i])) {
    throw new Error(`siluMul: gate ${showShape(gate.shape)} and up ${showShape(up.shape)} differ`)
  }
  if (gate.dtype === "i32" || up.dtype === "i32") throw new Error("siluMul: gate and up must be float tensors")
  const backend = backendOf(gate, up)
  const g = rowMajor(gate)
  const u = rowMajor(up)
  const out = alloc(backend, gate.shape, promote(gate.dtype, up.dtype))
  run(backend, { kernel: "siluMul", gate: g.view, up: u.view, out: out.view })
  record("siluMul", out, [gate, up], [g, u])
  g.dispose()
  u.dispose()
  return out
}

/**
 * Rotary position embedding (rotate-half, HF Llama/Qwen2) of x [B, H, T, D] at
 * `positions` (i32 [B, T]) with base `theta`.
 *
 * @since 0.1.0
 * @category nn
 */
export const rope = (x: Tensor, positions: Tensor, theta: number): Tensor => {
  if (x.rank !== 4) throw new Error(`rope: x must be [B, H, T, D], got ${showShape(x.shape)}`)
  if (positions.dtype !== "i32") throw new Error("rope: positions must be i32")
  const backend = backendOf(x, positions)
  const out = alloc(backend, x.shape, x.dtype)
  run(backend, { kernel: "rope", x: x.view, positions: positions.view, theta, inverse: false, out: out.view })
  return record("rope", out, [x], [positions], { theta })
}

/**
 * Options of `attention`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AttentionOptions {
  /** Score scale; default 1/√D. */
  readonly scale?: number
  /** Mask keys after each query's absolute position. Default true. */
  readonly causal?: boolean
  /** Absolute position of query row 0 (cached prefix length when decoding). Default 0. */
  readonly qOffset?: number
  /** Keys at or beyond this index are ignored (a preallocated KV cache). Default S. */
  readonly kvLength?: number
  /** Per-batch-row kvLength (i32 [B]); inference only: throws when a gradient would be recorded. */
  readonly kvLengths?: Tensor
}

/**
 * Fused scaled-dot-product attention with grouped-query heads: q [B, Hq, T, D],
 * k, v [B, Hkv, S, D] (Hq a multiple of Hkv) → [B, Hq, T, D]. Any strides in.
 *
 * @since 0.1.0
 * @category nn
 */
export const attention = (q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor => {
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) throw new Error("attention: q, k, v must be rank 4")
  const backend = backendOf(q, k, v, options.kvLengths)
  if (options.kvLengths !== undefined && isGradEnabled() && (q.requiresGrad || k.requiresGrad || v.requiresGrad)) {
    throw new Error("attention: kvLengths is inference-only (no gradient); call it under noGrad")
  }
  const attrs = {
    scale: options.scale ?? 1 / Math.sqrt(q.shape[3]!),
    causal: options.causal ?? true,
    qOffset: options.qOffset ?? 0,
    kvLength: options.kvLength ?? k.shape[2]!
  }
  const out = alloc(backend, q.shape, q.dtype)
  const lse = alloc(backend, q.shape.slice(0, 3), "f32")
  run(backend, {
    kernel: "attention",
    q: q.view,
    k: k.view,
    v: v.view,
    out: out.view,
    lse: lse.view,
    ...attrs,
    ...(options.kvLengths === undefined ? {} : { kvLengths: options.kvLengths.view })
  })
  if (options.kvLengths === undefined) record("attention", out, [q, k, v], [q, k, v, out, lse], attrs)
  lse.dispose()
  return out
}

/**
 * Rows of `table` [V, D] at `ids` (i32, any shape) → [...ids.shape, D]. The gradient
 * scatter-adds into the table.
 *
 * @since 0.1.0
 * @category nn
 */
export const embedding = (table: Tensor, ids: Tensor): Tensor => {
  if (table.rank !== 2) throw new Error("embedding: table must be [V, D]")
  if (ids.dtype !== "i32") throw new Error("embedding: ids must be i32")
  const backend = backendOf(table, ids)
  const D = table.shape[1]!
  const t = rowMajor(ids)
  const flat: View = { ...t.view, shape: [ids.size], strides: [1] }
  const outShape: Shape = [...ids.shape, D]
  const out = alloc(backend, outShape, table.dtype)
  run(backend, { kernel: "embedding", table: table.view, ids: flat, out: { ...out.view, shape: [ids.size, D], strides: [D, 1] } })
  record("embedding", out, [table], [t])
  t.dispose()
  return out
}

/**
 * log softmax(logits)[target] per row: logits [..., V], targets i32 [...] → f32 [...].
 * A target outside [0, V) (a negative ignore index, or an id past the vocabulary) gives 0
 * and no gradient.
 *
 * @since 0.1.0
 * @category nn
 */
export const logprobGather = (logits: Tensor, targets: Tensor): Tensor => {
  const V = logits.shape[logits.rank - 1]!
  if (targets.dtype !== "i32") throw new Error("logprobGather: targets must be i32")
  if (targets.size * V !== logits.size) {
    throw new Error(`logprobGather: targets ${showShape(targets.shape)} for logits ${showShape(logits.shape)}`)
  }
  const backend = backendOf(logits, targets)
  const l = rowMajor(logits)
  const tg = rowMajor(targets)
  const N = targets.size
  const out = alloc(backend, targets.shape, "f32")
  const lse = alloc(backend, [N], "f32")
  run(backend, {
    kernel: "logprobGather",
    logits: asRows(l.view, V),
    targets: { ...tg.view, shape: [N], strides: [1] },
    out: { ...out.view, shape: [N], strides: [1] },
    lse: lse.view
  })
  record("logprobGather", out, [logits], [l, tg, lse])
  l.dispose()
  tg.dispose()
  lse.dispose()
  return out
}

/**
 * Mean negative log-likelihood of `targets` over the counted tokens: tokens with a
 * negative target are ignored, and an optional `mask` (same shape as targets, 1/0 or
 * weights) multiplies each token's term. Returns a scalar.
 *
 * @since 0.1.0
 * @category nn
 */
export const crossEntropy = (logits: Tensor, targets: Tensor, mask?: Tensor): Tensor => {
  const lp = logprobGather(logits, targets)
  const w = noGrad(() => {
    const valid = ge(targets, 0)
    const f = cast(valid, "f32")
    valid.dispose()
    if (mask === undefined) return f
    const m = mul(f, mask)
    f.dispose()
    return m
  })
  const weighted = mul(lp, w)
  const total = sum(weighted)
  const count = sum(w)
  // An all-ignored batch gives 0 / tiny = 0 rather than NaN.
  const denom = maximum(count, 1e-9)
  const nll = div(total, denom)
  const loss = neg(nll)
  for (const t of [lp, w, weighted, total, count, denom, nll]) t.dispose()
  return loss
}
