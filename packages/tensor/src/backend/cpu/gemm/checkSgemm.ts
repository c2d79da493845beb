/**
 * Argument checks for an `SgemmCall`, shared by every provider. A native BLAS reads and
 * writes raw memory, so a call that would reach past an array must fail here, in
 * JavaScript, with a message naming the operand, never inside the library.
 *
 * @since 0.2.0
 */
import type { SgemmCall } from "./Gemm.ts"

const isCount = (x: number): boolean => Number.isSafeInteger(x) && x >= 0

/**
 * Throws a `RangeError` naming the first bad field of `call`; returns when the call is
 * well-formed and every element it touches lies inside its array.
 *
 * @since 0.2.0
 * @category validation
 */
export const checkSgemm = (call: SgemmCall): void => {
  const { batch, k, m, n } = call
  for (const [name, x] of [["m", m], ["n", n], ["k", k], ["batch", batch]] as const) {
    if (!isCount(x)) throw new RangeError(`sgemm: ${name} must be a non-negative integer, got ${x}`)
  }
  if (!Number.isFinite(call.alpha) || !Number.isFinite(call.beta)) {
    throw new RangeError(`sgemm: alpha and beta must be finite, got ${call.alpha}, ${call.beta}`)
  }
  // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k), C is m×n.
  operand("a", call.a, call.aOffset, call.lda, call.strideA, call.transA ? k : m, call.transA ? m : k, batch, m > 0 && n > 0)
  operand("b", call.b, call.bOffset, call.ldb, call.strideB, call.transB ? n : k, call.transB ? k : n, batch, m > 0 && n > 0)
  operand("c", call.c, call.cOffset, call.ldc, call.strideC, m, n, batch, true)
  // Providers may run batch entries in parallel: their outputs must not overlap.
  if (batch > 1 && m > 0 && n > 0 && call.strideC < (m - 1) * call.ldc + n) {
    throw new RangeError(`sgemm: strideC = ${call.strideC} makes the ${batch} outputs of ${m}×${n} (ldc ${call.ldc}) overlap`)
  }
}

const operand = (
  name: string,
  data: Float32Array,
  offset: number,
  ld: number,
  stride: number,
  rows: number,
  cols: number,
  batch: number,
  read: boolean
): void => {
  if (!(data instanceof Float32Array)) throw new TypeError(`sgemm: ${name} must be a Float32Array`)
  if (!isCount(offset) || !isCount(stride)) {
    throw new RangeError(`sgemm: ${name} offset and batch stride must be non-negative integers, got ${offset}, ${stride}`)
  }
  // CBLAS requires ld >= max(1, cols) even when nothing is read.
  if (!Number.isSafeInteger(ld) || ld < Math.max(1, cols)) {
    throw new RangeError(`sgemm: ld${name} = ${ld} must be an integer >= max(1, ${cols}) (the stored row length)`)
  }
  if (!read || rows === 0 || cols === 0 || batch === 0) return
  const last = offset + (batch - 1) * stride + (rows - 1) * ld + cols - 1
  if (last >= data.length) {
    throw new RangeError(
      `sgemm: ${name} reaches element ${last} but has ${data.length} (${batch} × ${rows}×${cols}, ld ${ld}, offset ${offset}, batch stride ${stride})`
    )
  }
}
