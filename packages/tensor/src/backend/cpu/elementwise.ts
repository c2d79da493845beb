/**
 * CPU kernels applied element by element: fill, copy, unary, binary, where.
 * Inputs are gathered to contiguous arrays (broadcasts expand there), so every loop
 * below is a flat `for` over the output; the op switch sits outside the loop.
 *
 * @since 0.1.0
 */
import { fastExp } from "./fastExp.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import { numel } from "../../tensor/shape.ts"
import { destination, gather, type Values } from "./Storage.ts"

/** @since 0.1.0 */
export const fill: CpuKernel<"fill"> = (call, hosts) => {
  const dst = destination(hosts.out, call.out)
  dst.data.fill(call.value)
  dst.commit()
}

/** @since 0.1.0 */
export const copy: CpuKernel<"copy"> = (call, hosts) => {
  // Copy first: source and destination may share storage.
  const src = gather(hosts.x, call.x, true)
  const dst = destination(hosts.out, call.out)
  if (src.constructor === dst.data.constructor) dst.data.set(src as never)
  else for (let i = 0; i < src.length; i++) dst.data[i] = src[i]!
  dst.commit()
}

/** One exp, and no overflow for large |x|. @since 0.1.0 */
export const sigmoid = (x: number): number => {
  const e = fastExp(-Math.abs(x))
  return x >= 0 ? 1 / (1 + e) : e / (1 + e)
}

/** @since 0.1.0 */
export const unary: CpuKernel<"unary"> = (call, hosts) => {
  const a = gather(hosts.x, call.x)
  const dst = destination(hosts.out, call.out)
  const o = dst.data
  const n = o.length
  switch (call.op) {
    case "neg":
      for (let i = 0; i < n; i++) o[i] = -a[i]!
      break
    case "abs":
      for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]!)
      break
    case "exp":
      for (let i = 0; i < n; i++) o[i] = fastExp(a[i]!)
      break
    case "log":
      for (let i = 0; i < n; i++) o[i] = Math.log(a[i]!)
      break
    case "sqrt":
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]!)
      break
    case "rsqrt":
      for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(a[i]!)
      break
    case "recip":
      for (let i = 0; i < n; i++) o[i] = 1 / a[i]!
      break
    case "square":
      for (let i = 0; i < n; i++) o[i] = a[i]! * a[i]!
      break
    case "tanh":
      for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]!)
      break
    case "sigmoid":
      for (let i = 0; i < n; i++) o[i] = sigmoid(a[i]!)
      break
    case "silu":
      for (let i = 0; i < n; i++) o[i] = a[i]! * sigmoid(a[i]!)
      break
    case "relu":
      for (let i = 0; i < n; i++) o[i] = a[i]! > 0 ? a[i]! : 0
      break
    case "sin":
      for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]!)
      break
    case "cos":
      for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]!)
      break
  }
  dst.commit()
}

/** @since 0.1.0 */
export const binary: CpuKernel<"binary"> = (call, hosts) => {
  const a = gather(hosts.a, call.a)
  const b = gather(hosts.b, call.b)
  const dst = destination(hosts.out, call.out)
  const o: Values = dst.data
  const n = numel(call.out.shape)
  const ints = call.out.dtype === "i32"
  switch (call.op) {
    case "add":
      for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!
      break
    case "sub":
      for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!
      break
    case "mul":
      // Integer products beyond 2^53 lose bits in doubles; imul wraps exactly like i32 hardware.
      if (ints) for (let i = 0; i < n; i++) o[i] = Math.imul(a[i]!, b[i]!)
      else for (let i = 0; i < n; i++) o[i] = a[i]! * b[i]!
      break
    case "div":
      for (let i = 0; i < n; i++) o[i] = a[i]! / b[i]!
      break
    case "pow":
      for (let i = 0; i < n; i++) o[i] = Math.pow(a[i]!, b[i]!)
      break
    case "max":
      for (let i = 0; i < n; i++) o[i] = Math.max(a[i]!, b[i]!)
      break
    case "min":
      for (let i = 0; i < n; i++) o[i] = Math.min(a[i]!, b[i]!)
      break
    case "eq":
      for (let i = 0; i < n; i++) o[i] = a[i] === b[i] ? 1 : 0
      break
    case "ne":
      for (let i = 0; i < n; i++) o[i] = a[i] !== b[i] ? 1 : 0
      break
    case "lt":
      for (let i = 0; i < n; i++) o[i] = a[i]! < b[i]! ? 1 : 0
      break
    case "le":
      for (let i = 0; i < n; i++) o[i] = a[i]! <= b[i]! ? 1 : 0
      break
    case "gt":
      for (let i = 0; i < n; i++) o[i] = a[i]! > b[i]! ? 1 : 0
      break
    case "ge":
      for (let i = 0; i < n; i++) o[i] = a[i]! >= b[i]! ? 1 : 0
      break
  }
  dst.commit()
}

/** @since 0.1.0 */
export const where: CpuKernel<"where"> = (call, hosts) => {
  const c = gather(hosts.cond, call.cond)
  const a = gather(hosts.a, call.a)
  const b = gather(hosts.b, call.b)
  const dst = destination(hosts.out, call.out)
  const o = dst.data
  for (let i = 0; i < o.length; i++) o[i] = c[i] !== 0 ? a[i]! : b[i]!
  dst.commit()
}
