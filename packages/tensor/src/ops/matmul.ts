/**
 * Matrix product with batch broadcasting. Transposed operands are just strided views
 * (`x.transpose()`), read in place by the kernel; nothing is materialized.
 *
 * @since 0.1.0
 */
import { record } from "../autograd/record.ts"
import { broadcastShapes, showShape } from "../tensor/shape.ts"
import type { Tensor } from "../tensor/Tensor.ts"
import { alloc, backendOf, broadcastView, promote, run } from "./internal.ts"
import { transpose } from "./views.ts"

/**
 * a [..., M, K] @ b [..., K, N] → [..., M, N]; batch dims broadcast. Mixed f16/f32
 * operands compute in f32 and give f32.
 *
 * @since 0.1.0
 * @category ops
 */
export const matmul = (a: Tensor, b: Tensor): Tensor => {
  if (a.rank < 2 || b.rank < 2) throw new Error("matmul: operands need rank >= 2")
  const M = a.shape[a.rank - 2]!
  const K = a.shape[a.rank - 1]!
  const N = b.shape[b.rank - 1]!
  if (b.shape[b.rank - 2] !== K) throw new Error(`matmul: ${showShape(a.shape)} @ ${showShape(b.shape)}`)
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2))
  const backend = backendOf(a, b)
  const out = alloc(backend, [...batch, M, N], promote(a.dtype, b.dtype))
  run(backend, {
    kernel: "matmul",
    a: broadcastView(a, [...batch, M, K]),
    b: broadcastView(b, [...batch, K, N]),
    out: out.view
  })
  return record("matmul", out, [a, b], [a, b])
}

/**
 * A linear layer: x [..., M, K] · weightᵀ (weight [N, K]) + bias ([N], optional) →
 * [..., M, N]. With a bias, the output is first filled with the bias rows and the product
 * accumulated onto it (a GEMM with beta = 1 on the CPU), so no separate add pass or
 * temporary exists; without one it is `matmul(x, transpose(weight))`.
 *
 * @since 0.1.0
 * @category ops
 */
export const linear = (x: Tensor, weight: Tensor, bias?: Tensor): Tensor => {
  if (weight.rank !== 2) throw new Error(`linear: weight must be [out, in], got ${showShape(weight.shape)}`)
  if (bias === undefined) return matmul(x, transpose(weight))
  const [N, K] = weight.shape as [number, number]
  if (x.rank < 2 || x.shape[x.rank - 1] !== K) throw new Error(`linear: x ${showShape(x.shape)} for weight ${showShape(weight.shape)}`)
  if (bias.rank !== 1 || bias.shape[0] !== N) throw new Error(`linear: bias ${showShape(bias.shape)} for ${N} outputs`)
  const backend = backendOf(x, weight, bias)
  const batch = x.shape.slice(0, -2)
  const M = x.shape[x.rank - 2]!
  const outShape = [...batch, M, N]
  const out = alloc(backend, outShape, promote(x.dtype, weight.dtype))
  const w = weight.view
  const b = bias.view
  run(backend, {
    kernel: "copy",
    x: { ...b, shape: outShape, strides: [...outShape.slice(0, -1).map(() => 0), b.strides[0]!] },
    out: out.view
  })
  run(backend, {
    kernel: "matmul",
    a: x.view,
    b: { ...w, shape: [...batch, K, N], strides: [...batch.map(() => 0), w.strides[1]!, w.strides[0]!] },
    out: out.view,
    accumulate: true
  })
  return record("linear", out, [x, weight, bias], [x, weight])
}
