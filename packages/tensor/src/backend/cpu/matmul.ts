/**
 * CPU batched matmul. Operand b is read in whichever orientation its strides make
 * contiguous: rows of bᵀ (a weight stored [N, K], the common `x @ Wᵀ`) give dot
 * products over contiguous memory; rows of b ([K, N]) give the i-k-j saxpy loop. b is
 * converted to f32 in column/row blocks, so a large f16 weight never needs a full f32
 * copy and each block is reused for every row of a while it is hot in cache.
 *
 * @since 0.1.0
 */
import { f16Table, f32ToF16Bits } from "../../f16.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import { numel } from "../../tensor/shape.ts"
import { gather, type HostBuffer } from "./Storage.ts"

/** Elements of b converted per block (≈ 256 KiB of f32). */
const BLOCK_ELEMENTS = 65536

/** @since 0.1.0 */
export const matmul: CpuKernel<"matmul"> = (call, hosts) => {
  const { a, b, out } = call
  const { a: ah, b: bh, out: outh } = hosts
  const accumulate = call.accumulate ?? false
  const rank = out.shape.length
  const M = out.shape[rank - 2]!
  const N = out.shape[rank - 1]!
  const K = a.shape[a.shape.length - 1]!
  const batchShape = out.shape.slice(0, rank - 2)
  const batches = numel(batchShape)
  const ar = a.shape.length
  const br = b.shape.length
  const aRow = a.strides[ar - 2]!
  const aCol = a.strides[ar - 1]!
  const bRow = b.strides[br - 2]! // stride along k
  const bCol = b.strides[br - 1]! // stride along n
  const transposedB = Math.abs(bRow) < Math.abs(bCol) || (N === 1 && K > 1)
  const o = outh.f32
  const result = new Float64Array(M * N)
  const idx = new Array<number>(batchShape.length).fill(0)
  for (let bi = 0; bi < batches; bi++) {
    // Offsets of this batch in a and b (batch dims are right-aligned to out's).
    let aOff = a.offset
    let bOff = b.offset
    for (let d = 0; d < batchShape.length; d++) {
      const ad = d - (batchShape.length - (ar - 2))
      const bd = d - (batchShape.length - (br - 2))
      if (ad >= 0) aOff += idx[d]! * a.strides[ad]!
      if (bd >= 0) bOff += idx[d]! * b.strides[bd]!
    }
    const A = gather(ah, { buffer: a.buffer, dtype: a.dtype, shape: [M, K], strides: [aRow, aCol], offset: aOff })
    result.fill(0)
    if (transposedB && b.dtype === "f16" && bRow === 1 && M < 4) {
      // Decode-shaped (few rows): converting bᵀ blocks would cost as much as the product,
      // so read the f16 bits through the lookup table inside the dot product instead.
      dotF16Direct(A as Float32Array, bh.u16, f16Table(), result, M, K, N, bOff, bCol)
    } else if (transposedB) {
      const rowsPerBlock = Math.max(1, Math.floor(BLOCK_ELEMENTS / Math.max(1, K)))
      for (let j0 = 0; j0 < N; j0 += rowsPerBlock) {
        const nb = Math.min(rowsPerBlock, N - j0)
        const Bt = gather(bh, { buffer: b.buffer, dtype: b.dtype, shape: [nb, K], strides: [bCol, bRow], offset: bOff + j0 * bCol })
        dotBlock(A as Float32Array, Bt as Float32Array, result, M, K, N, j0, nb)
      }
    } else {
      const rowsPerBlock = Math.max(4, Math.floor(BLOCK_ELEMENTS / Math.max(1, N)))
      for (let k0 = 0; k0 < K; k0 += rowsPerBlock) {
        const kb = Math.min(rowsPerBlock, K - k0)
        const B = gather(bh, { buffer: b.buffer, dtype: b.dtype, shape: [kb, N], strides: [bRow, bCol], offset: bOff + k0 * bRow })
        saxpyBlock(A as Float32Array, B as Float32Array, result, M, K, N, k0, kb)
      }
    }
    const oOff = out.offset + bi * M * N
    if (out.dtype === "f32") {
      if (accumulate) for (let i = 0; i < M * N; i++) o[oOff + i]! += result[i]!
      else for (let i = 0; i < M * N; i++) o[oOff + i] = result[i]!
    } else {
      writeF16(outh, oOff, result, accumulate)
    }
    for (let d = batchShape.length - 1; d >= 0; d--) {
      idx[d]!++
      if (idx[d]! < batchShape[d]!) break
      idx[d] = 0
    }
  }
}

const writeF16 = (outh: HostBuffer, off: number, result: Float64Array, accumulate: boolean): void => {
  const u = outh.u16
  const t = f16Table()
  for (let i = 0; i < result.length; i++) u[off + i] = f32ToF16Bits(result[i]! + (accumulate ? t[u[off + i]!]! : 0))
}

/**
 * result[i, j0 + j] = A[i, :] · Bt[j, :] for a block of bᵀ rows. Four rows of A share each
 * load of a bᵀ row (register blocking), which roughly halves memory traffic per FMA.
 */
const dotBlock = (
  A: Float32Array,
  Bt: Float32Array,
  result: Float64Array,
  M: number,
  K: number,
  N: number,
  j0: number,
  nb: number
): void => {
  let i = 0
  for (; i + 3 < M; i += 4) {
    const a0 = i * K
    const a1 = a0 + K
    const a2 = a1 + K
    const a3 = a2 + K
    for (let j = 0; j < nb; j++) {
      const bj = j * K
      let s0 = 0
      let s1 = 0
      let s2 = 0
      let s3 = 0
      for (let k = 0; k < K; k++) {
        const bv = Bt[bj + k]!
        s0 += A[a0 + k]! * bv
        s1 += A[a1 + k]! * bv
        s2 += A[a2 + k]! * bv
        s3 += A[a3 + k]! * bv
      }
      const r = i * N + j0 + j
      result[r] = s0
      result[r + N] = s1
      result[r + 2 * N] = s2
      result[r + 3 * N] = s3
    }
  }
  for (; i < M; i++) {
    const ai = i * K
    for (let j = 0; j < nb; j++) {
      const bj = j * K
      let s0 = 0
      let s1 = 0
      let k = 0
      for (; k + 1 < K; k += 2) {
        s0 += A[ai + k]! * Bt[bj + k]!
        s1 += A[ai + k + 1]! * Bt[bj + k + 1]!
      }
      if (k < K) s0 += A[ai + k]! * Bt[bj + k]!
      result[i * N + j0 + j] = s0 + s1
    }
  }
}

/**
 * result[i, :] += Σ_k A[i, k0 + k] · B[k, :] for a block of b rows, four k at a time so
 * each result element is loaded and stored once per four FMAs.
 */
const saxpyBlock = (
  A: Float32Array,
  B: Float32Array,
  result: Float64Array,
  M: number,
  K: number,
  N: number,
  k0: number,
  kb: number
): void => {
  for (let i = 0; i < M; i++) {
    const ai = i * K + k0
    const ri = i * N
    let k = 0
    for (; k + 3 < kb; k += 4) {
      const x0 = A[ai + k]!
      const x1 = A[ai + k + 1]!
      const x2 = A[ai + k + 2]!
      const x3 = A[ai + k + 3]!
      const b0 = k * N
      const b1 = b0 + N
      const b2 = b1 + N
      const b3 = b2 + N
      for (let j = 0; j < N; j++) {
        result[ri + j]! += x0 * B[b0 + j]! + x1 * B[b1 + j]! + x2 * B[b2 + j]! + x3 * B[b3 + j]!
      }
    }
    for (; k < kb; k++) {
      const x = A[ai + k]!
      const bk = k * N
      for (let j = 0; j < N; j++) result[ri + j]! += x * B[bk + j]!
    }
  }
}

/** result[i, j] = A[i, :] · bᵀ[j, :] reading f16 bᵀ rows (stride `rowStride`) straight from storage. */
const dotF16Direct = (
  A: Float32Array,
  u16: Uint16Array,
  table: Float32Array,
  result: Float64Array,
  M: number,
  K: number,
  N: number,
  offset: number,
  rowStride: number
): void => {
  for (let j = 0; j < N; j++) {
    const bj = offset + j * rowStride
    for (let i = 0; i < M; i++) {
      const ai = i * K
      let s0 = 0
      let s1 = 0
      let k = 0
      for (; k + 1 < K; k += 2) {
        s0 += A[ai + k]! * table[u16[bj + k]!]!
        s1 += A[ai + k + 1]! * table[u16[bj + k + 1]!]!
      }
      if (k < K) s0 += A[ai + k]! * table[u16[bj + k]!]!
      result[i * N + j] = s0 + s1
    }
  }
}
