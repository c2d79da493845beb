/**
 * Float64 reference implementations, written independently of the kernels: the truth
 * the CPU kernels and the autograd gradients are checked against.
 */

/** Row-major index helper for [d0, d1, d2, d3]. */
const at4 = (s: ReadonlyArray<number>, a: number, b: number, c: number, d: number): number =>
  ((a * s[1]! + b) * s[2]! + c) * s[3]! + d

export interface AttentionOptions {
  readonly scale: number
  readonly causal: boolean
  readonly qOffset: number
  readonly kvLength: number
  readonly kvLengths?: ReadonlyArray<number>
}

/** Explicit softmax(QKᵀ · scale + mask) V, materializing the score matrix. */
export const attentionRef = (
  q: ReadonlyArray<number>,
  qShape: ReadonlyArray<number>,
  k: ReadonlyArray<number>,
  v: ReadonlyArray<number>,
  kShape: ReadonlyArray<number>,
  o: AttentionOptions
): { out: Array<number>; lse: Array<number> } => {
  const [B, Hq, T, D] = qShape as [number, number, number, number]
  const [, Hkv, S] = kShape as [number, number, number, number]
  const out = new Array<number>(B * Hq * T * D).fill(0)
  const lse = new Array<number>(B * Hq * T).fill(Number.NEGATIVE_INFINITY)
  for (let b = 0; b < B; b++) {
    const len = o.kvLengths?.[b] ?? o.kvLength
    for (let h = 0; h < Hq; h++) {
      const g = Math.floor((h * Hkv) / Hq)
      for (let t = 0; t < T; t++) {
        const scores: Array<number> = []
        for (let s = 0; s < S; s++) {
          const masked = s >= len || (o.causal && s > o.qOffset + t)
          let dot = 0
          for (let d = 0; d < D; d++) dot += q[at4(qShape, b, h, t, d)]! * k[at4(kShape, b, g, s, d)]!
          scores.push(masked ? Number.NEGATIVE_INFINITY : dot * o.scale)
        }
        const m = Math.max(...scores)
        if (m === Number.NEGATIVE_INFINITY) continue
        const e = scores.map((x) => Math.exp(x - m))
        const z = e.reduce((a, c) => a + c, 0)
        lse[(b * Hq + h) * T + t] = m + Math.log(z)
        for (let s = 0; s < S; s++) {
          for (let d = 0; d < D; d++) out[at4(qShape, b, h, t, d)]! += (e[s]! / z) * v[at4(kShape, b, g, s, d)]!
        }
      }
    }
  }
  return { out, lse }
}

/** RMSNorm over the last axis. */
export const rmsnormRef = (x: ReadonlyArray<number>, w: ReadonlyArray<number>, d: number, eps: number): Array<number> => {
  const out: Array<number> = []
  for (let r = 0; r < x.length / d; r++) {
    let ss = 0
    for (let j = 0; j < d; j++) ss += x[r * d + j]! ** 2
    const rstd = 1 / Math.sqrt(ss / d + eps)
    for (let j = 0; j < d; j++) out.push(x[r * d + j]! * rstd * w[j]!)
  }
  return out
}

/** Rotate-half RoPE on [B, H, T, D] with positions [B, T], angle = pos · theta^(-2i/D). */
export const ropeRef = (
  x: ReadonlyArray<number>,
  shape: ReadonlyArray<number>,
  positions: ReadonlyArray<number>,
  theta: number
): Array<number> => {
  const [B, H, T, D] = shape as [number, number, number, number]
  const out = new Array<number>(x.length)
  const half = D / 2
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < half; i++) {
          const angle = positions[b * T + t]! * theta ** ((-2 * i) / D)
          const x1 = x[at4(shape, b, h, t, i)]!
          const x2 = x[at4(shape, b, h, t, i + half)]!
          out[at4(shape, b, h, t, i)] = x1 * Math.cos(angle) - x2 * Math.sin(angle)
          out[at4(shape, b, h, t, i + half)] = x2 * Math.cos(angle) + x1 * Math.sin(angle)
        }
      }
    }
  }
  return out
}

/** log softmax(row)[t] per row. */
export const logprobRef = (logits: ReadonlyArray<number>, V: number, targets: ReadonlyArray<number>): Array<number> =>
  targets.map((t, n) => {
    if (t < 0) return 0
    const row = logits.slice(n * V, (n + 1) * V)
    const m = Math.max(...row)
    const z = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0))
    return row[t]! - z
  })

/** Naive batched matmul on row-major [batch, M, K] × [batch, K, N]. */
export const matmulRef = (
  a: ReadonlyArray<number>,
  b: ReadonlyArray<number>,
  batch: number,
  M: number,
  K: number,
  N: number
): Array<number> => {
  const out = new Array<number>(batch * M * N).fill(0)
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0
        for (let k = 0; k < K; k++) s += a[(p * M + i) * K + k]! * b[(p * K + k) * N + j]!
        out[(p * M + i) * N + j] = s
      }
    }
  }
  return out
}

/** Central-difference gradient of a scalar f64 function. */
export const numericGradient = (f: (x: Array<number>) => number, x: ReadonlyArray<number>, h = 1e-5): Array<number> => {
  const xs = [...x]
  return xs.map((_, i) => {
    const orig = xs[i]!
    xs[i] = orig + h
    const up = f(xs)
    xs[i] = orig - h
    const down = f(xs)
    xs[i] = orig
    return (up - down) / (2 * h)
  })
}
