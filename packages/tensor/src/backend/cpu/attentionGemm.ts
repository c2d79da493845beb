/**
 * CPU attention forward and backward as batched GEMMs through a `GemmProvider`. For each
 * batch row, KV head and tile of query rows, the query heads sharing that KV head form
 * one strided batch: scores = Q·Kᵀ over only the keys the tile can see (a causal tile
 * skips the masked upper triangle), a softmax pass in place, then out = P·V; the backward
 * recomputes P from the saved lse and runs dP = dO·Vᵀ, dQ = dS·K, dK += dSᵀ·Q,
 * dV += Pᵀ·dO. Scratch is one tile of scores (`tileRows × S` per head), never B·H·T·S.
 *
 * Visible keys for batch b, query row t: s < min(kvLength_b, causal ? qOffset + t + 1 : ∞);
 * a row that sees no key gets out = 0 and lse = −∞, as in the JavaScript kernels.
 *
 * @since 0.2.0
 */
import { fastExp } from "./fastExp.ts"
import type { View } from "../Kernel.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import type { GemmProvider } from "./gemm/Gemm.ts"
import { destination, gather } from "./Storage.ts"

const visible = (causal: boolean, qOffset: number, t: number, kvLen: number, S: number): number =>
  Math.max(0, Math.min(kvLen, S, causal ? qOffset + t + 1 : S))

/** Floats of score scratch per tile; bounds memory at long sequences. */
const TILE_FLOATS = 1 << 20

/**
 * Query rows per tile: small enough under a causal mask that whole tiles above the
 * diagonal are skipped, and small enough that one tile's scores fit `TILE_FLOATS`.
 */
const tileRows = (T: number, S: number, group: number, causal: boolean): number => {
  const byMemory = Math.max(1, Math.floor(TILE_FLOATS / Math.max(1, group * S)))
  return Math.max(1, Math.min(T, causal ? 64 : T, byMemory))
}

interface Geometry {
  readonly B: number
  readonly Hq: number
  readonly Hkv: number
  readonly T: number
  readonly S: number
  readonly D: number
  readonly group: number
}

const geometry = (q: View, k: View): Geometry => ({
  B: q.shape[0]!,
  Hq: q.shape[1]!,
  T: q.shape[2]!,
  D: q.shape[3]!,
  Hkv: k.shape[1]!,
  S: k.shape[2]!,
  group: q.shape[1]! / k.shape[1]!
})

/**
 * The attention forward kernel on `gemm`.
 *
 * @since 0.2.0
 * @category kernels
 */
export const makeGemmAttention = (gemm: GemmProvider): CpuKernel<"attention"> => (call, hosts) => {
  const { causal, kvLength, qOffset, scale } = call
  const { B, D, Hkv, Hq, S, T, group } = geometry(call.q, call.k)
  const q = gather(hosts.q, call.q) as Float32Array
  const k = gather(hosts.k, call.k) as Float32Array
  const v = gather(hosts.v, call.v) as Float32Array
  const kvLengths = call.kvLengths === undefined ? undefined : gather(hosts.kvLengths!, call.kvLengths)
  const outDst = destination(hosts.out, call.out)
  const lseDst = destination(hosts.lse, call.lse)
  const out = outDst.data as Float32Array
  const lse = lseDst.data as Float32Array
  const R = tileRows(T, S, group, causal)
  const p = new Float32Array(group * R * S)
  for (let b = 0; b < B; b++) {
    const kvLen = kvLengths === undefined ? kvLength : kvLengths[b]!
    for (let kvh = 0; kvh < Hkv; kvh++) {
      const kvBase = (b * Hkv + kvh) * S * D
      const head0 = b * Hq + kvh * group
      for (let t0 = 0; t0 < T; t0 += R) {
        const rows = Math.min(R, T - t0)
        const n = visible(causal, qOffset, t0 + rows - 1, kvLen, S)
        if (n === 0) {
          for (let g = 0; g < group; g++) {
            const row0 = (head0 + g) * T + t0
            out.fill(0, row0 * D, (row0 + rows) * D)
            lse.fill(Number.NEGATIVE_INFINITY, row0, row0 + rows)
          }
          continue
        }
        // Scores of this tile for every head of the group: [group][rows][n].
        gemm.sgemm({
          transA: false,
          transB: true,
          m: rows,
          n,
          k: D,
          alpha: scale,
          beta: 0,
          a: q,
          aOffset: (head0 * T + t0) * D,
          lda: D,
          strideA: T * D,
          b: k,
          bOffset: kvBase,
          ldb: D,
          strideB: 0,
          c: p,
          cOffset: 0,
          ldc: n,
          strideC: rows * n,
          batch: group
        })
        for (let g = 0; g < group; g++) {
          for (let r = 0; r < rows; r++) {
            const base = (g * rows + r) * n
            const nv = visible(causal, qOffset, t0 + r, kvLen, S)
            const row = (head0 + g) * T + t0 + r
            if (nv === 0) {
              p.fill(0, base, base + n)
              lse[row] = Number.NEGATIVE_INFINITY
              continue
            }
            let m = Number.NEGATIVE_INFINITY
            for (let s = 0; s < nv; s++) if (p[base + s]! > m) m = p[base + s]!
            let sum = 0
            for (let s = 0; s < nv; s++) {
              const e = fastExp(p[base + s]! - m)
              p[base + s] = e
              sum += e
            }
            const inv = 1 / sum
            for (let s = 0; s < nv; s++) p[base + s]! *= inv
            p.fill(0, base + nv, base + n)
            lse[row] = m + Math.log(sum)
          }
        }
        gemm.sgemm({
          transA: false,
          transB: false,
          m: rows,
          n: D,
          k: n,
          alpha: 1,
          beta: 0,
          a: p,
          aOffset: 0,
          lda: n,
          strideA: rows * n,
          b: v,
          bOffset: kvBase,
          ldb: D,
          strideB: 0,
          c: out,
          cOffset: (head0 * T + t0) * D,
          ldc: D,
          strideC: T * D,
          batch: group
        })
      }
    }
  }
  outDst.commit()
  lseDst.commit()
}

/**
 * The attention backward kernel on `gemm`.
 *
 * @since 0.2.0
 * @category kernels
 */
export const makeGemmAttentionBackward = (gemm: GemmProvider): CpuKernel<"attentionBackward"> => (call, hosts) => {
  const { causal, kvLength, qOffset, scale } = call
  const { B, D, Hkv, Hq, S, T, group } = geometry(call.q, call.k)
  const q = gather(hosts.q, call.q) as Float32Array
  const k = gather(hosts.k, call.k) as Float32Array
  const v = gather(hosts.v, call.v) as Float32Array
  const o = gather(hosts.out, call.out) as Float32Array
  const lse = gather(hosts.lse, call.lse) as Float32Array
  const dout = gather(hosts.dout, call.dout) as Float32Array
  const dqDst = destination(hosts.dq, call.dq)
  const dkDst = destination(hosts.dk, call.dk)
  const dvDst = destination(hosts.dv, call.dv)
  const dq = dqDst.data as Float32Array
  const dk = dkDst.data as Float32Array
  const dv = dvDst.data as Float32Array
  dq.fill(0)
  dk.fill(0)
  dv.fill(0)
  const R = tileRows(T, S, group, causal)
  const p = new Float32Array(group * R * S)
  const ds = new Float32Array(group * R * S)
  // delta_t = dout_t · out_t, per query row.
  const delta = new Float64Array(B * Hq * T)
  for (let row = 0; row < delta.length; row++) {
    let acc = 0
    for (let d = 0; d < D; d++) acc += dout[row * D + d]! * o[row * D + d]!
    delta[row] = acc
  }
  for (let b = 0; b < B; b++) {
    for (let kvh = 0; kvh < Hkv; kvh++) {
      const kvBase = (b * Hkv + kvh) * S * D
      const head0 = b * Hq + kvh * group
      for (let t0 = 0; t0 < T; t0 += R) {
        const rows = Math.min(R, T - t0)
        const n = visible(causal, qOffset, t0 + rows - 1, kvLength, S)
        if (n === 0) continue
        const qOff = (head0 * T + t0) * D
        const tile = { m: rows, n, ldc: n, strideC: rows * n, batch: group, cOffset: 0 }
        // P (scaled scores, then exp(· − lse)) and dP = dO·Vᵀ for the whole group.
        gemm.sgemm({
          ...tile,
          transA: false,
          transB: true,
          k: D,
          alpha: scale,
          beta: 0,
          a: q,
          aOffset: qOff,
          lda: D,
          strideA: T * D,
          b: k,
          bOffset: kvBase,
          ldb: D,
          strideB: 0,
          c: p
        })
        gemm.sgemm({
          ...tile,
          transA: false,
          transB: true,
          k: D,
          alpha: 1,
          beta: 0,
          a: dout,
          aOffset: qOff,
          lda: D,
          strideA: T * D,
          b: v,
          bOffset: kvBase,
          ldb: D,
          strideB: 0,
          c: ds
        })
        for (let g = 0; g < group; g++) {
          for (let r = 0; r < rows; r++) {
            const base = (g * rows + r) * n
            const row = (head0 + g) * T + t0 + r
            const nv = visible(causal, qOffset, t0 + r, kvLength, S)
            const l = lse[row]!
            const dl = delta[row]!
            for (let s = 0; s < nv; s++) {
              const pv = fastExp(p[base + s]! - l)
              p[base + s] = pv
              ds[base + s] = pv * (ds[base + s]! - dl) * scale
            }
            p.fill(0, base + nv, base + n)
            ds.fill(0, base + nv, base + n)
          }
        }
        // dQ rows of this tile (written once: beta 0).
        gemm.sgemm({
          transA: false,
          transB: false,
          m: rows,
          n: D,
          k: n,
          alpha: 1,
          beta: 0,
          a: ds,
          aOffset: 0,
          lda: n,
          strideA: rows * n,
          b: k,
          bOffset: kvBase,
          ldb: D,
          strideB: 0,
          c: dq,
          cOffset: qOff,
          ldc: D,
          strideC: T * D,
          batch: group
        })
        // dK, dV: every head of the group adds into the same KV rows, so one call per head.
        for (let g = 0; g < group; g++) {
          const one = { m: n, n: D, k: rows, alpha: 1, beta: 1, lda: n, ldb: D, ldc: D, strideA: 0, strideB: 0, strideC: 0, batch: 1 }
          const aOffset = g * rows * n
          const bOffset = qOff + g * T * D
          gemm.sgemm({ ...one, transA: true, transB: false, a: p, aOffset, b: dout, bOffset, c: dv, cOffset: kvBase })
          gemm.sgemm({ ...one, transA: true, transB: false, a: ds, aOffset, b: q, bOffset, c: dk, cOffset: kvBase })
        }
      }
    }
  }
  dqDst.commit()
  dkDst.commit()
  dvDst.commit()
}
