/**
 * CPU matmul through a `GemmProvider` (a system BLAS or the WASM GEMM): each operand is
 * handed over in place with a transpose flag and leading dimension whenever one of its
 * two matrix axes is contiguous, and the batch as one strided call when its offsets step
 * evenly (broadcast operands step by 0). Only f16 operands, and layouts no GEMM can read
 * (both matrix strides non-unit), are gathered into a contiguous f32 copy first.
 *
 * @since 0.2.0
 */
import { f16Table, f32ToF16Bits } from "../../f16.ts"
import { numel } from "../../tensor/shape.ts"
import type { View } from "../Kernel.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import type { GemmProvider } from "./gemm/Gemm.ts"
import { gather, type HostBuffer } from "./Storage.ts"

/** One operand as a GEMM reads it: data, transpose flag, leading dimension, per-batch offsets. */
interface Operand {
  readonly data: Float32Array
  readonly trans: boolean
  readonly ld: number
  readonly offsets: ReadonlyArray<number>
}

/**
 * The 2-D layout of a `rows × cols` matrix with strides (rowStride, colStride) as CBLAS
 * sees it, or undefined when neither axis is contiguous. An axis of length 1 may have
 * any stride.
 */
const layoutOf = (rows: number, cols: number, rowStride: number, colStride: number): { trans: boolean; ld: number } | undefined => {
  if ((colStride === 1 || cols <= 1) && (rows <= 1 || rowStride >= Math.max(1, cols))) {
    return { trans: false, ld: rows <= 1 ? Math.max(1, cols) : rowStride }
  }
  if ((rowStride === 1 || rows <= 1) && (cols <= 1 || colStride >= Math.max(1, rows))) {
    return { trans: true, ld: cols <= 1 ? Math.max(1, rows) : colStride }
  }
  return undefined
}

/** Element offsets of each batch entry of `v`, whose batch dims are right-aligned to `batchShape`. */
const batchOffsets = (v: View, batchShape: ReadonlyArray<number>): Array<number> => {
  const rank = v.shape.length
  const lead = batchShape.length - (rank - 2)
  const count = numel(batchShape)
  const offsets = new Array<number>(count)
  const idx = new Array<number>(batchShape.length).fill(0)
  for (let bi = 0; bi < count; bi++) {
    let off = v.offset
    for (let d = 0; d < batchShape.length; d++) {
      const vd = d - lead
      if (vd >= 0) off += idx[d]! * v.strides[vd]!
    }
    offsets[bi] = off
    for (let d = batchShape.length - 1; d >= 0; d--) {
      idx[d]!++
      if (idx[d]! < batchShape[d]!) break
      idx[d] = 0
    }
  }
  return offsets
}

/** `v` ([...batch, rows, cols]) as a GEMM operand, gathered to contiguous f32 when it must be. */
const operandOf = (host: HostBuffer, v: View, batchShape: ReadonlyArray<number>): Operand => {
  const r = v.shape.length
  const rows = v.shape[r - 2]!
  const cols = v.shape[r - 1]!
  const layout = v.dtype === "f32" ? layoutOf(rows, cols, v.strides[r - 2]!, v.strides[r - 1]!) : undefined
  if (layout !== undefined) return { data: host.f32, trans: layout.trans, ld: layout.ld, offsets: batchOffsets(v, batchShape) }
  // A contiguous f32 copy of the whole view (broadcast batch dims materialized as repeats).
  const data = gather(host, v, true) as Float32Array
  const size = rows * cols
  const count = numel(batchShape)
  const own = numel(v.shape.slice(0, r - 2))
  // The copy has v's own batch dims; broadcast dims of out that v lacks repeat it.
  const offsets = Array.from({ length: count }, (_, bi) => (bi % Math.max(1, own)) * size)
  return { data, trans: false, ld: Math.max(1, cols), offsets }
}

/** The common step of `offsets`, or undefined when they do not step evenly (or step backwards). */
const evenStride = (offsets: ReadonlyArray<number>): number | undefined => {
  if (offsets.length < 2) return 0
  const step = offsets[1]! - offsets[0]!
  if (step < 0) return undefined
  for (let i = 2; i < offsets.length; i++) if (offsets[i]! - offsets[i - 1]! !== step) return undefined
  return step
}

/**
 * A matmul kernel running on `gemm`.
 *
 * @since 0.2.0
 * @category kernels
 */
export const makeGemmMatmul = (gemm: GemmProvider): CpuKernel<"matmul"> => (call, hosts) => {
  const { a, b, out } = call
  const rank = out.shape.length
  const M = out.shape[rank - 2]!
  const N = out.shape[rank - 1]!
  const K = a.shape[a.shape.length - 1]!
  const batchShape = out.shape.slice(0, rank - 2)
  const batch = numel(batchShape)
  if (batch === 0 || M === 0 || N === 0) return
  const accumulate = call.accumulate ?? false
  // broadcastView already made a and b full rank, but a rank-2 operand under a batched out is legal.
  const A = operandOf(hosts.a, a, batchShape)
  const B = operandOf(hosts.b, b, batchShape)
  let c: Float32Array
  let cOffset: number
  if (out.dtype === "f32") {
    c = hosts.out.f32
    cOffset = out.offset
  } else {
    // f16 out: compute in an f32 scratch (holding the old values when accumulating), round once.
    c = new Float32Array(batch * M * N)
    cOffset = 0
    if (accumulate) {
      const t = f16Table()
      const u = hosts.out.u16
      for (let i = 0; i < c.length; i++) c[i] = t[u[out.offset + i]!]!
    }
  }
  const strideA = evenStride(A.offsets)
  const strideB = evenStride(B.offsets)
  const common = {
    transA: A.trans,
    transB: B.trans,
    m: M,
    n: N,
    k: K,
    alpha: 1,
    beta: accumulate ? 1 : 0,
    a: A.data,
    lda: A.ld,
    b: B.data,
    ldb: B.ld,
    c,
    ldc: N,
    strideC: M * N
  }
  if (strideA !== undefined && strideB !== undefined) {
    gemm.sgemm({ ...common, aOffset: A.offsets[0]!, strideA, bOffset: B.offsets[0]!, strideB, cOffset, batch })
  } else {
    for (let bi = 0; bi < batch; bi++) {
      gemm.sgemm({
        ...common,
        aOffset: A.offsets[bi]!,
        strideA: 0,
        bOffset: B.offsets[bi]!,
        strideB: 0,
        cOffset: cOffset + bi * M * N,
        batch: 1
      })
    }
  }
  if (out.dtype === "f16") {
    const u = hosts.out.u16
    for (let i = 0; i < c.length; i++) u[out.offset + i] = f32ToF16Bits(c[i]!)
  }
}
