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

/** @since 0.1.0 */
export const rope: CpuKernel<"rope"> = (call, hosts) => {
  const [B, H, T, D] = call.x.shape as [number, number, number, number]
  const a = gather(hosts.x, call.x, true)
  const pos = gather(hosts.positions, call.positions)
  const half = D / 2
  const inv = ropeInverseFrequencies(call.theta, D)
  const dst = destination(hosts.out, call.out)
  const o = dst.data
  const sign = call.inverse ? -1 : 1
  // cos/sin rows per distinct position: batch rows usually share positions 0..T-1.
  const tables = new Map<number, { cos: Float64Array; sin: Float64Array }>()
  const tableFor = (p: number) => {
    let row = tables.get(p)
    if (row === undefined) {
      row = { cos: new Float64Array(half), sin: new Float64Array(half) }
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(p * inv[i]!)
        row.cos[i] = Math.fround(Math.cos(angle))
        row.sin[i] = sign * Math.fround(Math.sin(angle))
      }
      tables.set(p, row)
    }
    return row
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const { cos, sin } = tableFor(pos[b * T + t]!)
      for (let h = 0; h < H; h++) {
        const base = ((b * H + h) * T + t) * D
        for (let i = 0; i < half; i++) {
          const x1 = a[base + i]!
          const x2 = a[base + i + half]!
          o[base + i] = x1 * cos[i]! - x2 * sin[i]!
          o[base + i + half] = x2 * cos[i]! + x1 * sin[i]!
        }
      }
    }
  }
  dst.commit()
}
