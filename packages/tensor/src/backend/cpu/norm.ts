/**
 * CPU RMSNorm forward and backward over the last axis.
 *
 * Forward: r = 1 / sqrt(mean(x²) + eps), y = x · r · w.
 * Backward: dx_j = r · w_j · dy_j − x_j · r³ / d · Σ_k dy_k w_k x_k;  dw_j = Σ_rows dy_j x_j r.
 *
 * @since 0.1.0
 */
import type { CpuKernel } from "./CpuKernel.ts"
import { destination, gather, store } from "./Storage.ts"

/** @since 0.1.0 */
export const rmsnorm: CpuKernel<"rmsnorm"> = (call, hosts) => {
  const { eps, x } = call
  const a = gather(hosts.x, x)
  const weight = gather(hosts.weight, call.weight)
  const d = x.shape[x.shape.length - 1]!
  const rows = d === 0 ? 0 : a.length / d
  const dst = destination(hosts.out, call.out)
  const rs = destination(hosts.rstd, call.rstd)
  for (let r = 0; r < rows; r++) {
    const base = r * d
    let ss = 0
    for (let j = 0; j < d; j++) ss += a[base + j]! * a[base + j]!
    // Round r to f32 first: the saved rstd is f32, and the output must agree with it.
    const rr = Math.fround(1 / Math.sqrt(ss / d + eps))
    rs.data[r] = rr
    for (let j = 0; j < d; j++) dst.data[base + j] = a[base + j]! * rr * weight[j]!
  }
  dst.commit()
  rs.commit()
}

/**
 * sum = x + residual and rmsnorm(sum) row by row, each row still in cache for the norm. The
 * norm reads the f32 sum (so an f32 sum gives `rmsnorm`'s arithmetic on the stored values
 * exactly; an f16 sum is rounded only where stored).
 *
 * @since 0.2.0
 */
export const addRmsnorm: CpuKernel<"addRmsnorm"> = (call, hosts) => {
  const a = gather(hosts.x, call.x)
  const b = gather(hosts.residual, call.residual)
  const sumDst = destination(hosts.sum, call.sum)
  const s = sumDst.data
  const weight = gather(hosts.weight, call.weight)
  const d = call.x.shape[call.x.shape.length - 1]!
  const rows = d === 0 ? 0 : s.length / d
  const dst = destination(hosts.out, call.out)
  const rs = destination(hosts.rstd, call.rstd)
  const o = dst.data
  for (let r = 0; r < rows; r++) {
    const base = r * d
    let ss = 0
    for (let j = 0; j < d; j++) {
      s[base + j] = a[base + j]! + b[base + j]!
      ss += s[base + j]! * s[base + j]!
    }
    const rr = Math.fround(1 / Math.sqrt(ss / d + call.eps))
    rs.data[r] = rr
    for (let j = 0; j < d; j++) o[base + j] = s[base + j]! * rr * weight[j]!
  }
  sumDst.commit()
  dst.commit()
  rs.commit()
}

/** @since 0.1.0 */
export const rmsnormBackward: CpuKernel<"rmsnormBackward"> = (call, hosts) => {
  const x = call.x
  const a = gather(hosts.x, x)
  const weight = gather(hosts.weight, call.weight)
  const rs = gather(hosts.rstd, call.rstd)
  const dy = gather(hosts.dy, call.dy, true)
  const d = x.shape[x.shape.length - 1]!
  const rows = d === 0 ? 0 : a.length / d
  const dw = new Float64Array(d)
  const dx = new Float32Array(a.length)
  for (let r = 0; r < rows; r++) {
    const base = r * d
    const rr = rs[r]!
    let dot = 0
    for (let j = 0; j < d; j++) {
      dot += dy[base + j]! * weight[j]! * a[base + j]!
      dw[j]! += dy[base + j]! * a[base + j]! * rr
    }
    const c = (rr * rr * rr * dot) / d
    for (let j = 0; j < d; j++) dx[base + j] = rr * weight[j]! * dy[base + j]! - a[base + j]! * c
  }
  store(hosts.dx, call.dx, dx)
  store(hosts.dweight, call.dweight, dw)
}
