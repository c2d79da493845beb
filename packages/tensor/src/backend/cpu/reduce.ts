/**
 * CPU reductions over one axis (sum, max, min, argmax) and the last-axis softmax pair.
 * Accumulation is in f64 (JS numbers): the reference is at least as accurate as the
 * f32 accumulation the contract asks of device kernels.
 *
 * @since 0.1.0
 */
import { fastExp } from "./fastExp.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import { destination, gather, store } from "./Storage.ts"

/** Splits a shape around `axis` into (outer, len, inner). */
const split = (shape: ReadonlyArray<number>, axis: number): [number, number, number] => {
  let outer = 1
  let inner = 1
  for (let d = 0; d < axis; d++) outer *= shape[d]!
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!
  return [outer, shape[axis] ?? 1, inner]
}

/** @since 0.1.0 */
export const reduce: CpuKernel<"reduce"> = (call, hosts) => {
  const op = call.op
  const a = gather(hosts.x, call.x)
  const [outer, len, inner] = split(call.x.shape, call.axis)
  const acc = new Float64Array(outer * inner)
  const init = op === "sum" ? 0 : op === "max" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  acc.fill(init)
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < len; r++) {
      const base = (o * len + r) * inner
      const ab = o * inner
      if (op === "sum") for (let i = 0; i < inner; i++) acc[ab + i]! += a[base + i]!
      else if (op === "max") {
        for (let i = 0; i < inner; i++) {
          const v = a[base + i]!
          if (v > acc[ab + i]! || v !== v) acc[ab + i] = v
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const v = a[base + i]!
          if (v < acc[ab + i]! || v !== v) acc[ab + i] = v
        }
      }
    }
  }
  store(hosts.out, call.out, acc)
}

/** @since 0.1.0 */
export const argmax: CpuKernel<"argmax"> = (call, hosts) => {
  const a = gather(hosts.x, call.x)
  const [outer, len, inner] = split(call.x.shape, call.axis)
  const dst = destination(hosts.out, call.out)
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0
      let bestV = Number.NEGATIVE_INFINITY
      for (let r = 0; r < len; r++) {
        const v = a[(o * len + r) * inner + i]!
        // Strictly greater keeps the first index on ties; NaN never wins.
        if (v > bestV) {
          bestV = v
          best = r
        }
      }
      dst.data[o * inner + i] = best
    }
  }
  dst.commit()
}

/** @since 0.1.0 */
export const softmax: CpuKernel<"softmax"> = (call, hosts) => {
  const log = call.log
  const a = gather(hosts.x, call.x)
  const d = call.x.shape[call.x.shape.length - 1] ?? 1
  const rows = d === 0 ? 0 : a.length / d
  const dst = destination(hosts.out, call.out)
  const o = dst.data
  for (let r = 0; r < rows; r++) {
    const base = r * d
    let m = Number.NEGATIVE_INFINITY
    for (let j = 0; j < d; j++) if (a[base + j]! > m) m = a[base + j]!
    let s = 0
    for (let j = 0; j < d; j++) s += fastExp(a[base + j]! - m)
    if (log) {
      const lse = m + Math.log(s)
      for (let j = 0; j < d; j++) o[base + j] = a[base + j]! - lse
    } else {
      for (let j = 0; j < d; j++) o[base + j] = fastExp(a[base + j]! - m) / s
    }
  }
  dst.commit()
}

/** @since 0.1.0 */
export const softmaxBackward: CpuKernel<"softmaxBackward"> = (call, hosts) => {
  const log = call.log
  const y = gather(hosts.y, call.y)
  const dy = gather(hosts.dy, call.dy)
  const d = call.y.shape[call.y.shape.length - 1] ?? 1
  const rows = d === 0 ? 0 : y.length / d
  const dst = destination(hosts.dx, call.dx)
  const o = dst.data
  for (let r = 0; r < rows; r++) {
    const base = r * d
    if (log) {
      let s = 0
      for (let j = 0; j < d; j++) s += dy[base + j]!
      for (let j = 0; j < d; j++) o[base + j] = dy[base + j]! - fastExp(y[base + j]!) * s
    } else {
      let s = 0
      for (let j = 0; j < d; j++) s += dy[base + j]! * y[base + j]!
      for (let j = 0; j < d; j++) o[base + j] = y[base + j]! * (dy[base + j]! - s)
    }
  }
  dst.commit()
}
