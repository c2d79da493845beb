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
