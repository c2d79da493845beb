/**
 * Helpers shared by the op implementations (not exported from the package).
 *
 * @since 0.1.0
 */
import type { Backend } from "../backend/Backend.ts"
import type { DType, KernelCall, View } from "../backend/Kernel.ts"
import { broadcastStrides, type Shape } from "../tensor/shape.ts"
import { Tensor } from "../tensor/Tensor.ts"

/** The common backend of some tensors; mixing backends is an error. */
export const backendOf = (...ts: ReadonlyArray<Tensor | null | undefined>): Backend => {
  let b: Backend | undefined
  for (const t of ts) {
    if (t == null) continue
    if (b === undefined) b = t.backend
    else if (t.backend !== b) throw new Error("tensors live on different backends")
  }
  if (b === undefined) throw new Error("no tensor given")
  return b
}

/** A fresh contiguous output. */
export const alloc = (backend: Backend, shape: Shape, dtype: DType): Tensor => Tensor.empty(backend, shape, dtype)

/** The view of `t` broadcast to `shape` (stride 0 on broadcast dims). */
export const broadcastView = (t: Tensor, shape: Shape): View => {
  const v = t.view
  return { ...v, shape, strides: broadcastStrides(t.shape, t.strides, shape) }
}

/** Dispatches on the tensors' backend. */
export const run = (backend: Backend, call: KernelCall): void => backend.dispatch(call)

/** Float result dtype of combining two dtypes (f32 wins; i32 with a float takes the float). */
export const promote = (a: DType, b: DType): DType => {
  if (a === b) return a
  if (a === "f32" || b === "f32") return "f32"
  return "f16"
}

/** A rank-0 tensor holding `value`. */
export const scalar = (backend: Backend, value: number, dtype: DType): Tensor => {
  const t = Tensor.empty(backend, [], dtype)
  backend.dispatch({ kernel: "fill", out: t.view, value })
  return t
}
