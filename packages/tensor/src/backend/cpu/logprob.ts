/**
 * CPU per-token log-prob gather (the fused log-softmax + gather behind cross-entropy
 * and policy log-probs) and its backward. Row by row: logits are never copied whole.
 *
 * @since 0.1.0
 */
import type { View } from "../Kernel.ts"
import { destination, gather, type HostBuffer } from "./Storage.ts"

const rowView = (x: View, r: number): View => ({
  buffer: x.buffer,
  dtype: x.dtype,
  shape: [x.shape[1]!],
  strides: [x.strides[1]!],
  offset: x.offset + r * x.strides[0]!
})

const logSumExp = (row: ArrayLike<number>): number => {
  let m = Number.NEGATIVE_INFINITY
  for (let j = 0; j < row.length; j++) if (row[j]! > m) m = row[j]!
  let s = 0
  for (let j = 0; j < row.length; j++) s += Math.exp(row[j]! - m)
  return m + Math.log(s)
}

/** @since 0.1.0 */
export const logprobGather = (
  lh: HostBuffer,
  logits: View,
  th: HostBuffer,
  targets: View,
  outh: HostBuffer,
  out: View,
  lseh: HostBuffer,
  lse: View
): void => {
  const N = logits.shape[0]!
  const tg = gather(th, targets, true)
  const o = new Float32Array(N)
  const l = new Float32Array(N)
  for (let n = 0; n < N; n++) {
    const row = gather(lh, rowView(logits, n))
    const z = logSumExp(row)
    l[n] = z
    const t = tg[n]!
    o[n] = t >= 0 && t < row.length ? row[t]! - z : 0
  }
  const od = destination(outh, out)
  od.data.set(o as never)
  od.commit()
  const ld = destination(lseh, lse)
  ld.data.set(l as never)
  ld.commit()
}

/** @since 0.1.0 */
export const logprobGatherBackward = (
  lh: HostBuffer,
  logits: View,
  th: HostBuffer,
  targets: View,
  zh: HostBuffer,
  lse: View,
  dyh: HostBuffer,
  dyv: View,
  dh: HostBuffer,
  dlogits: View
): void => {
  const [N, V] = logits.shape as [number, number]
  const tg = gather(th, targets, true)
  const z = gather(zh, lse, true)
  const dy = gather(dyh, dyv, true)
  const dst = destination(dh, dlogits)
  const rowOut = new Float32Array(V)
  for (let n = 0; n < N; n++) {
    const t = tg[n]!
    if (t < 0) {
      dst.data.fill(0, n * V, (n + 1) * V)
      continue
    }
    const row = gather(lh, rowView(logits, n), true)
    const g = dy[n]!
    const zn = z[n]!
    for (let v = 0; v < V; v++) rowOut[v] = -g * Math.exp(row[v]! - zn)
    if (t < V) rowOut[t] = rowOut[t]! + g
    dst.data.set(rowOut as never, n * V)
  }
  dst.commit()
}
