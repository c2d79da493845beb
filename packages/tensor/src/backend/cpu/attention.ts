/**
 * CPU attention with grouped-query heads, forward and backward, one query row at a
 * time (scores for that row only: O(S) memory). Visible keys for batch b, row t:
 * s < min(kvLength_b, causal ? qOffset + t + 1 : ∞). A row that sees no key gets
 * out = 0 and lse = −∞.
 *
 * @since 0.1.0
 */
import type { View } from "../Kernel.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import { gather, store } from "./Storage.ts"

/** Geometry shared by forward and backward. */
interface Geometry {
  readonly B: number
  readonly Hq: number
  readonly Hkv: number
  readonly T: number
  readonly S: number
  readonly D: number
}

const geometry = (q: View, k: View): Geometry => ({
  B: q.shape[0]!,
  Hq: q.shape[1]!,
  T: q.shape[2]!,
  D: q.shape[3]!,
  Hkv: k.shape[1]!,
  S: k.shape[2]!
})

const visible = (causal: boolean, qOffset: number, t: number, kvLen: number, S: number): number =>
  Math.max(0, Math.min(kvLen, S, causal ? qOffset + t + 1 : S))

/** @since 0.1.0 */
export const attention: CpuKernel<"attention"> = (call, hosts) => {
  const { causal, kvLength, qOffset, scale } = call
  const { B, D, Hkv, Hq, S, T } = geometry(call.q, call.k)
  const q = gather(hosts.q, call.q)
  const k = gather(hosts.k, call.k)
  const v = gather(hosts.v, call.v)
  const kvLengths = call.kvLengths === undefined ? undefined : gather(hosts.kvLengths!, call.kvLengths)
  const out = new Float32Array(B * Hq * T * D)
  const lse = new Float32Array(B * Hq * T)
  const group = Hq / Hkv
  const scores = new Float64Array(S)
  const acc = new Float64Array(D)
  for (let b = 0; b < B; b++) {
    const kvLen = kvLengths === undefined ? kvLength : kvLengths[b]!
    for (let h = 0; h < Hq; h++) {
      const kvBase = (b * Hkv + Math.floor(h / group)) * S * D
      for (let t = 0; t < T; t++) {
        const row = (b * Hq + h) * T + t
        const qBase = row * D
        const n = visible(causal, qOffset, t, kvLen, S)
        if (n === 0) {
          lse[row] = Number.NEGATIVE_INFINITY
          continue
        }
        let m = Number.NEGATIVE_INFINITY
        for (let s = 0; s < n; s++) {
          const kb = kvBase + s * D
          let dot = 0
          for (let d = 0; d < D; d++) dot += q[qBase + d]! * k[kb + d]!
          const sc = dot * scale
          scores[s] = sc
          if (sc > m) m = sc
        }
        let sum = 0
        acc.fill(0)
        for (let s = 0; s < n; s++) {
          const p = Math.exp(scores[s]! - m)
          sum += p
          const vb = kvBase + s * D
          for (let d = 0; d < D; d++) acc[d]! += p * v[vb + d]!
        }
        for (let d = 0; d < D; d++) out[qBase + d] = acc[d]! / sum
        lse[row] = m + Math.log(sum)
      }
    }
  }
  store(hosts.out, call.out, out)
  store(hosts.lse, call.lse, lse)
}

/** @since 0.1.0 */
export const attentionBackward: CpuKernel<"attentionBackward"> = (call, hosts) => {
  const { causal, kvLength, qOffset, scale } = call
  const { B, D, Hkv, Hq, S, T } = geometry(call.q, call.k)
  const q = gather(hosts.q, call.q)
  const k = gather(hosts.k, call.k)
  const v = gather(hosts.v, call.v)
  const o = gather(hosts.out, call.out)
  const lse = gather(hosts.lse, call.lse)
  const dout = gather(hosts.dout, call.dout)
  const dq = new Float64Array(B * Hq * T * D)
  const dk = new Float64Array(B * Hkv * S * D)
  const dv = new Float64Array(B * Hkv * S * D)
  const group = Hq / Hkv
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      const kvBase = (b * Hkv + Math.floor(h / group)) * S * D
      for (let t = 0; t < T; t++) {
        const row = (b * Hq + h) * T + t
        const qBase = row * D
        const n = visible(causal, qOffset, t, kvLength, S)
        if (n === 0) continue
        const l = lse[row]!
        let delta = 0
        for (let d = 0; d < D; d++) delta += dout[qBase + d]! * o[qBase + d]!
        for (let s = 0; s < n; s++) {
          const kb = kvBase + s * D
          let dot = 0
          let dp = 0
          for (let d = 0; d < D; d++) {
            dot += q[qBase + d]! * k[kb + d]!
            dp += dout[qBase + d]! * v[kb + d]!
          }
          const p = Math.exp(dot * scale - l)
          const ds = p * (dp - delta) * scale
          for (let d = 0; d < D; d++) {
            dv[kb + d]! += p * dout[qBase + d]!
            dq[qBase + d]! += ds * k[kb + d]!
            dk[kb + d]! += ds * q[qBase + d]!
          }
        }
      }
    }
  }
  store(hosts.dq, call.dq, dq)
  store(hosts.dk, call.dk, dk)
  store(hosts.dv, call.dv, dv)
}
