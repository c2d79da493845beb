/**
 * CPU rotary embedding (rotate-half). Frequencies and angles are rounded to f32 the
 * way HF transformers computes them (inv_freq in f32, angle = f32(position · inv_freq)),
 * so the reference matches the PyTorch model at large positions, not just the formula.
 *
 * @since 0.1.0
 */
import type { CpuKernel } from "./CpuKernel.ts"
import { destination, gather } from "./Storage.ts"

/** inv_freq_i = f32(1 / f32(theta^f32(2i / D))), i < D/2. @since 0.1.0 */
export const ropeInverseFrequencies = (theta: number, dim: number): Float64Array => {
  const half = dim / 2
  const inv = new Float64Array(half)
  for (let i = 0; i < half; i++) inv[i] = Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / dim)))
  return inv
}

/** cos and sin of one position's angles, i < D/2, each rounded to f32. @since 0.2.0 @category models */
export interface AngleRow {
  readonly cos: Float64Array
  readonly sin: Float64Array
}

/**
 * cos/sin rows by (theta, D), then position, shared by every call: a decode step ropes q and
 * k in every layer at the same positions, and training the same 0..T-1 forward and backward.
 * Cleared when it passes `MAX_CACHED_ROWS` rows (1 MiB at D = 64).
 */
const angleRows = new Map<string, Map<number, AngleRow>>()
let cachedRows = 0
const MAX_CACHED_ROWS = 4096

const angleRowsFor = (theta: number, D: number): Map<number, AngleRow> => {
  const key = `${theta}|${D}`
  let rows = angleRows.get(key)
  if (rows === undefined) {
    rows = new Map()
    angleRows.set(key, rows)
  }
  return rows
}

/**
 * The angle rows of (theta, D) by position, computed once per position and kept (the rope
 * kernels' shared table).
 *
 * @since 0.2.0
 * @category utils
 */
export const ropeAngles = (theta: number, D: number): (position: number) => AngleRow => {
  const half = D / 2
  const tables = angleRowsFor(theta, D)
  let inv: Float64Array | undefined
  return (p) => {
    let row = tables.get(p)
    if (row === undefined) {
      inv ??= ropeInverseFrequencies(theta, D)
      row = { cos: new Float64Array(half), sin: new Float64Array(half) }
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(p * inv[i]!)
        row.cos[i] = Math.fround(Math.cos(angle))
        row.sin[i] = Math.fround(Math.sin(angle))
      }
      if (cachedRows >= MAX_CACHED_ROWS) {
        for (const rows of angleRows.values()) rows.clear()
        cachedRows = 0
      }
      tables.set(p, row)
      cachedRows++
    }
    return row
  }
}

/**
 * Rotates one head's row: the halves (x1, x2) of `x[from ..from + 2·half]` become
 * (x1·cos − x2·sin, x2·cos + x1·sin) in `out[at ..]`, with sin negated when `sign` is −1
 * (the inverse rotation). The one rotation of `rope` and `ropeKvWrite`, so they agree bit for bit.
 *
 * @since 0.2.0
 * @category utils
 */
export const rotateRow = (
  x: ArrayLike<number>,
  from: number,
  { cos, sin }: AngleRow,
  sign: 1 | -1,
  out: Float32Array | Int32Array,
  at: number
): void => {
  const half = cos.length
  for (let i = 0; i < half; i++) {
    const x1 = x[from + i]!
    const x2 = x[from + i + half]!
    const sn = sign * sin[i]!
    out[at + i] = x1 * cos[i]! - x2 * sn
    out[at + i + half] = x2 * cos[i]! + x1 * sn
  }
}

/** @since 0.1.0 */
export const rope: CpuKernel<"rope"> = (call, hosts) => {
  const [B, H, T, D] = call.x.shape as [number, number, number, number]
  const a = gather(hosts.x, call.x, true)
  const pos = gather(hosts.positions, call.positions)
  const dst = destination(hosts.out, call.out)
  const o = dst.data
  // The inverse rotation negates sin (exact).
  const sign = call.inverse ? -1 : 1
  const tableFor = ropeAngles(call.theta, D)
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const angles = tableFor(pos[b * T + t]!)
      for (let h = 0; h < H; h++) {
        const base = ((b * H + h) * T + t) * D
        rotateRow(a, base, angles, sign, o, base)
      }
    }
  }
  dst.commit()
}
