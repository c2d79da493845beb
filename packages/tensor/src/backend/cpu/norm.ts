/**
 * CPU RMSNorm forward and backward over the last axis.
 *
 * Forward: r = 1 / sqrt(mean(x²) + eps), y = x · r · w.
 * Backward: dx_j = r · w_j · dy_j − x_j · r³ / d · Σ_k dy_k w_k x_k;  dw_j = Σ_rows dy_j x_j r.
 *
 * @since 0.1.0
 */
import type { View } from "../Kernel.ts"
import { destination, gather, type HostBuffer } from "./Storage.ts"

/** @since 0.1.0 */
export const rmsnorm = (
  xh: HostBuffer,
  x: View,
  wh: HostBuffer,
  w: View,
  eps: number,
  outh: HostBuffer,
  out: View,
  rh: HostBuffer,
  rstd: View
): void => {
  const a = gather(xh, x)
  const weight = gather(wh, w)
  const d = x.shape[x.shape.length - 1]!
  const rows = d === 0 ? 0 : a.length / d
  const dst = destination(outh, out)
  const rs = destination(rh, rstd)
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

/** @since 0.1.0 */
export const rmsnormBackward = (
  xh: HostBuffer,
  x: View,
  wh: HostBuffer,
  w: View,
  rh: HostBuffer,
  rstd: View,
  dyh: HostBuffer,
  dyv: View,
  dxh: HostBuffer,
  dxv: View,
  dwh: HostBuffer,
  dwv: View
): void => {
  const a = gather(xh, x)
  const weight = gather(wh, w)
  const rs = gather(rh, rstd)
  const dy = gather(dyh, dyv, true)
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
  const dxd = destination(dxh, dxv)
  dxd.data.set(dx as never)
  dxd.commit()
  const dwd = destination(dwh, dwv)
  for (let j = 0; j < d; j++) dwd.data[j] = dw[j]!
  dwd.commit()
}
