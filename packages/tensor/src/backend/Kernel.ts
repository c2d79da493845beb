/**
 * The kernel catalogue: every primitive a backend must run. This file is the contract
 * between the tensor front end (ops, autograd) and the backends (cpu, webgpu). Each
 * backend implements every kernel; the WebGPU kernels are tested against the CPU ones.
 *
 * Conventions
 * - A `View` describes elements of a buffer: element `offset`, per-dimension element
 *   `strides` (0 = broadcast), `shape` and `dtype`. Inputs may be arbitrary strided views
 *   (transposes, slices and broadcasts cost nothing); outputs are views too, but kernels
 *   may require them contiguous where noted.
 * - Shapes are row-major; the last axis is the fastest.
 * - f16 is a storage type: kernels read it, compute in f32 (or f16 where the backend has
 *   native f16 and the kernel says so), and write f16 outputs rounded to nearest even.
 * - Reductions and statistics (lse, rstd) are always f32.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "./BufferHandle.ts"

/** @since 0.1.0 @category models */
export type DType = "f32" | "f16" | "i32"

/** Bytes per element. @since 0.1.0 @category constants */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = { f32: 4, f16: 2, i32: 4 }

/**
 * A strided window onto a buffer.
 *
 * @since 0.1.0
 * @category models
 */
export interface View {
  readonly buffer: BufferHandle
  readonly dtype: DType
  readonly shape: ReadonlyArray<number>
  /** Element strides, one per dimension; 0 broadcasts. */
  readonly strides: ReadonlyArray<number>
  /** Element offset of index [0, …, 0]. */
  readonly offset: number
}

/** @since 0.1.0 @category models */
export type UnaryOp =
  | "neg"
  | "abs"
  | "exp"
  | "log"
  | "sqrt"
  | "rsqrt"
  | "recip"
  | "square"
  | "tanh"
  | "sigmoid"
  | "silu"
  | "relu"
  | "sin"
  | "cos"

/** Comparisons write 1 or 0 in the output dtype. @since 0.1.0 @category models */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "max"
  | "min"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"

/** @since 0.1.0 @category models */
export type ReduceOp = "sum" | "max" | "min"

/**
 * Every kernel call. `out*` fields are written; everything else is read.
 *
 * @since 0.1.0
 * @category models
 */
export type KernelCall =
  /** out = value. */
  | { readonly kernel: "fill"; readonly out: View; readonly value: number }
  /** out = x, converting dtype; x and out have the same shape (x may broadcast). Used for contiguous(), cast, concat, slice assignment. */
  | { readonly kernel: "copy"; readonly x: View; readonly out: View }
  | { readonly kernel: "unary"; readonly op: UnaryOp; readonly x: View; readonly out: View }
  /** a and b are already broadcast to out's shape (strides 0 where broadcast). */
  | { readonly kernel: "binary"; readonly op: BinaryOp; readonly a: View; readonly b: View; readonly out: View }
  /** out = cond != 0 ? a : b; all broadcast to out's shape. */
  | { readonly kernel: "where"; readonly cond: View; readonly a: View; readonly b: View; readonly out: View }
  /** Reduces `axis` of x; out has x's shape with that axis of size 1 (keepdims). Accumulates in f32. */
  | { readonly kernel: "reduce"; readonly op: ReduceOp; readonly x: View; readonly axis: number; readonly out: View }
  /** Index of the maximum along `axis` (first on ties), i32, keepdims. */
  | { readonly kernel: "argmax"; readonly x: View; readonly axis: number; readonly out: View }
  /**
   * out[..., m, n] = sum_k a[..., m, k] * b[..., k, n] (+ out if `accumulate`).
   * a: [...batchA, M, K], b: [...batchB, K, N], out: [...batch, M, N] contiguous; the batch
   * dims of a and b are already broadcast to out's (strides 0). Transposed operands are
   * expressed by strides (a column-major a has strides [..., 1, M]).
   */
  | { readonly kernel: "matmul"; readonly a: View; readonly b: View; readonly out: View; readonly accumulate?: boolean }
  /** Softmax / log-softmax over the last axis. x and out contiguous, same shape. */
  | { readonly kernel: "softmax"; readonly log: boolean; readonly x: View; readonly out: View }
  /**
   * Backward of softmax / log-softmax over the last axis, from the forward output y:
   * softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy).
   */
  | { readonly kernel: "softmaxBackward"; readonly log: boolean; readonly y: View; readonly dy: View; readonly dx: View }
  /**
   * RMSNorm over the last axis: out = x * rstd * weight, rstd = 1 / sqrt(mean(x²) + eps).
   * x, out: [rows, d] contiguous; weight: [d]; rstd: [rows] f32 (saved for backward).
   */
  | {
    readonly kernel: "rmsnorm"
    readonly x: View
    readonly weight: View
    readonly eps: number
    readonly out: View
    readonly rstd: View
  }
  /**
   * A residual add fused with the RMSNorm after it: sum = x + residual, then out and rstd as
   * `rmsnorm` computes them, from the f32 sum (an f16 sum is rounded only where stored).
   * x, residual, sum, out: [rows, d] contiguous; weight: [d]; rstd: [rows] f32. The backward
   * is the add's and rmsnormBackward's (the op records both).
   */
  | {
    readonly kernel: "addRmsnorm"
    readonly x: View
    readonly residual: View
    readonly weight: View
    readonly eps: number
    readonly sum: View
    readonly out: View
    readonly rstd: View
  }
  /** Backward of rmsnorm: writes dx [rows, d] and dweight [d] (dweight overwritten, not accumulated). */
  | {
    readonly kernel: "rmsnormBackward"
    readonly x: View
    readonly weight: View
    readonly rstd: View
    readonly dy: View
    readonly dx: View
    readonly dweight: View
  }
  /**
   * The SwiGLU gate, fused: out = silu(gate) · up = gate · sigmoid(gate) · up, with silu(gate)
   * rounded to f32 before the product (as the unfused unary + binary pair rounds it). gate, up,
   * out: one shape, contiguous row-major at their offsets. One pass instead of two.
   */
  | { readonly kernel: "siluMul"; readonly gate: View; readonly up: View; readonly out: View }
  /**
   * Backward of siluMul from dy: s = sigmoid(gate); dup = dy · silu(gate);
   * dgate = (dy · up) · s · (1 + gate · (1 - s)), every intermediate rounded to f32 in the
   * order the unfused rules compute it. All views one shape, contiguous row-major.
   */
  | {
    readonly kernel: "siluMulBackward"
    readonly gate: View
    readonly up: View
    readonly dy: View
    readonly dgate: View
    readonly dup: View
  }
  /**
   * Rotary embedding, rotate-half convention (HF Llama/Qwen2): for pairs (i, i + D/2),
   * angle = position * theta^(-2i/D); out_i = x_i cos - x_{i+D/2} sin,
   * out_{i+D/2} = x_{i+D/2} cos + x_i sin. `inverse` rotates by -angle (the backward).
   * x, out: [B, H, T, D] (any strides for x; out contiguous); positions: i32 [B, T].
   */
  | {
    readonly kernel: "rope"
    readonly x: View
    readonly positions: View
    readonly theta: number
    readonly inverse: boolean
    readonly out: View
  }
  /**
   * Decode-only (no backward): the epilogue of the q/k/v projections in KV-cache decoding, one
   * pass for what `rope` twice and `scatterRows` twice (plus the bias adds) do. For token
   * (b, t) and head h, with p = positions[b, t] and `rope` the rotation above:
   * qOut[b, t, h] = rope(q[b, t, h] + qBias[h·D : (h+1)·D], p);
   * kCache[slots[b, t, h]] = rope(k[b, t, h] + kBias[h·D : …], p);
   * vCache[slots[b, t, h]] = v[b, t, h] + vBias[h·D : …].
   * q, qOut: [B, T, Hq, D]; k, v: [B, T, Hkv, D]; biases [H·D]; positions: i32 [B, T];
   * slots: i32 [B, T, Hkv], distinct (as in `scatterRows`; slots outside [0, S) are skipped);
   * kCache, vCache: [S, D] of one shape; every other cache row is left as it was. Any strides,
   * except that qOut must not overlap the inputs.
   */
  | {
    readonly kernel: "ropeKvWrite"
    readonly q: View
    readonly k: View
    readonly v: View
    readonly qBias: View
    readonly kBias: View
    readonly vBias: View
    readonly positions: View
    readonly slots: View
    readonly theta: number
    readonly qOut: View
    readonly kCache: View
    readonly vCache: View
  }
  /**
   * Fused attention with grouped-query heads and online softmax (O(T) memory per query).
   * q: [B, Hq, T, D]; k, v: [B, Hkv, S, D] with Hq % Hkv == 0 (head h reads kv head
   * floor(h / (Hq / Hkv))); out: [B, Hq, T, D] contiguous; lse: [B, Hq, T] f32 (log-sum-exp
   * of scaled scores, saved for backward). Query row t sits at absolute position
   * `qOffset + t`; with `causal` it attends to keys s <= qOffset + t. Keys s >= kvLength are
   * ignored (preallocated KV cache). `kvLengths` (i32 [B], optional) overrides kvLength per batch row.
   * A query row that sees no key writes out = 0 and lse = -Infinity (the backward skips it).
   */
  | {
    readonly kernel: "attention"
    readonly q: View
    readonly k: View
    readonly v: View
    readonly out: View
    readonly lse: View
    readonly scale: number
    readonly causal: boolean
    readonly qOffset: number
    readonly kvLength: number
    readonly kvLengths?: View
  }
  /** Backward of attention: writes dq, dk, dv (overwritten). Shapes as in `attention`. */
  | {
    readonly kernel: "attentionBackward"
    readonly q: View
    readonly k: View
    readonly v: View
    readonly out: View
    readonly lse: View
    readonly dout: View
    readonly dq: View
    readonly dk: View
    readonly dv: View
    readonly scale: number
    readonly causal: boolean
    readonly qOffset: number
    readonly kvLength: number
  }
  /** out[n, :] = table[ids[n], :]. table: [V, D]; ids: i32 [N]; out: [N, D]. An id outside [0, V) gives a zero row. */
  | { readonly kernel: "embedding"; readonly table: View; readonly ids: View; readonly out: View }
  /** dtable[ids[n], :] += dy[n, :] (scatter-add; dtable is accumulated, not cleared). Ids outside [0, V) are skipped. */
  | { readonly kernel: "embeddingBackward"; readonly ids: View; readonly dy: View; readonly dtable: View }
  /**
   * Row scatter-write: out[ids[n], :] = x[n, :], converting dtype; every other row of out is
   * left as it was. out: [V, D]; ids: i32 [N]; x: [N, D]. Ids outside [0, V) are skipped.
   * Ids must be distinct (with a repeated id, which of its rows lands is unspecified; the
   * CPU writes the last). Writes KV-cache slots in one dispatch for rows of any lengths.
   */
  | { readonly kernel: "scatterRows"; readonly ids: View; readonly x: View; readonly out: View }
  /**
   * Per-row log-prob of a target: out[n] = logits[n, t_n] - logsumexp(logits[n, :]);
   * lse[n] saved (f32). logits: [N, V] contiguous; targets: i32 [N]; out, lse: f32 [N].
   * A target outside [0, V) (the ignore index < 0, or an id past the vocabulary) gives out = 0.
   */
  | { readonly kernel: "logprobGather"; readonly logits: View; readonly targets: View; readonly out: View; readonly lse: View }
  /** dlogits[n, v] = dy[n] * ((v == t_n) - softmax(logits[n])_v); rows with t_n outside [0, V) get 0. */
  | {
    readonly kernel: "logprobGatherBackward"
    readonly logits: View
    readonly targets: View
    readonly lse: View
    readonly dy: View
    readonly dlogits: View
  }
  /**
   * AdamW, in place, one tensor: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
   * p = p - lr * (m / c1 / (sqrt(v / c2) + eps) + weightDecay * p), with the bias
   * corrections c1 = 1 - b1^t, c2 = 1 - b2^t computed by the caller. `gradScale`
   * multiplies g first (clipping / accumulation averaging). m, v: f32; p may be f16 or f32.
   */
  | {
    readonly kernel: "adamw"
    readonly param: View
    readonly grad: View
    readonly m: View
    readonly v: View
    readonly lr: number
    readonly beta1: number
    readonly beta2: number
    readonly eps: number
    readonly weightDecay: number
    readonly biasCorrection1: number
    readonly biasCorrection2: number
    readonly gradScale: number
  }
  /**
   * Counter-based random numbers (Philox-4x32-10): element i of out is a function of
   * (key, counter + i) only, so results do not depend on the backend or the dispatch
   * shape. `uniform` in [0, 1) with 24 random bits; `normal` by Box-Muller. out: f32 contiguous.
   * Exactly (see `src/philox.ts`): c = counter + i; block w = philox4x32_10(ctr = (c mod 2^32,
   * floor(c / 2^32), 0, 0), key); uniform = (w0 >>> 8) · 2^-24; normal: u1 = ((w0 >>> 8) + 1) · 2^-24,
   * u2 = (w1 >>> 8) · 2^-24, z = sqrt(-2 ln u1) · cos(2π u2). `counter` is a safe integer ≥ 0.
   */
  | {
    readonly kernel: "random"
    readonly distribution: "uniform" | "normal"
    readonly key: readonly [number, number]
    readonly counter: number
    readonly out: View
  }

/** The kernel names. @since 0.1.0 @category models */
export type KernelName = KernelCall["kernel"]

/** The call of one kernel. @since 0.1.0 @category models */
export type KernelCallOf<K extends KernelName> = Extract<KernelCall, { readonly kernel: K }>

/** All kernel names, for coverage tests. @since 0.1.0 @category constants */
export const KERNEL_NAMES: ReadonlyArray<KernelName> = [
  "fill",
  "copy",
  "unary",
  "binary",
  "where",
  "reduce",
  "argmax",
  "matmul",
  "softmax",
  "softmaxBackward",
  "rmsnorm",
  "rmsnormBackward",
  "addRmsnorm",
  "siluMul",
  "siluMulBackward",
  "rope",
  "ropeKvWrite",
  "attention",
  "attentionBackward",
  "embedding",
  "embeddingBackward",
  "scatterRows",
  "logprobGather",
  "logprobGatherBackward",
  "adamw",
  "random"
]
