/**
 * CPU per-token log-prob gather (the fused log-softmax + gather behind cross-entropy
 * and policy log-probs) and its backward. Row by row: logits are never copied whole.
 *
 * @since 0.1.0
 */
import { fastExp } from "./fastExp.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import { destination, gather, rowOf, store } from "./Storage.ts"

const logSumExp = (row: ArrayLike<number>): number => {
  let m = Number.NEGATIVE_INFINITY
  for (let j = 0; j < row.length; j++) if (row[j]! > m) m = row[j]!
  let s = 0
  for (let j = 0; j < row.length; j++) s += fastExp(row[j]! - m)
  return m + Math.log(s)
}

/** @since 0.1.0 */
export const logprobGather: CpuKernel<"logprobGather"> = (call, hosts) => {
  const logits = call.logits
  const N = logits.shape[0]!
  const tg = gather(hosts.targets, call.targets, true)
  const o = new Float32Array(N)
  const l = new Float32Array(N)
  for (let n = 0; n < N; n++) {
    const row = gather(hosts.logits, rowOf(logits, n))
    const z = logSumExp(row)
    l[n] = z
    const t = tg[n]!
    o[n] = t >= 0 && t < row.length ? row[t]! - z : 0
  }
  store(hosts.out, call.out, o)
  store(hosts.lse, call.lse, l)
}

/** @since 0.1.0 */
export const logprobGatherBackward: CpuKernel<"logprobGatherBackward"> = (call, hosts) => {
  const logits = call.logits
  const [N, V] = logits.shape as [number, number]
  const tg = gather(hosts.targets, call.targets, true)
  const z = gather(hosts.lse, call.lse, true)
  const dy = gather(hosts.dy, call.dy, true)
  const dst = destination(hosts.dlogits, call.dlogits)
  const rowOut = new Float32Array(V)
  for (let n = 0; n < N; n++) {
    const t = tg[n]!
    // The forward wrote a constant 0 for a target outside [0, V): its gradient is 0 too.
    if (t < 0 || t >= V) {
      dst.data.fill(0, n * V, (n + 1) * V)
      continue
    }
    const row = gather(hosts.logits, rowOf(logits, n), true)
    const g = dy[n]!
    const zn = z[n]!
    for (let v = 0; v < V; v++) rowOut[v] = -g * fastExp(row[v]! - zn)
    rowOut[t] = rowOut[t]! + g
    dst.data.set(rowOut as never, n * V)
  }
  dst.commit()
}
