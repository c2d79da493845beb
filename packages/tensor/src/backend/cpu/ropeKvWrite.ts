/**
 * CPU decode epilogue (`ropeKvWrite`): bias, RoPE and the K/V cache write of one decode step
 * in one pass over the fresh q/k/v rows, instead of a bias pass per projection, two `rope`
 * calls and two `scatterRows` calls. Each value is rounded to f32 where the composition
 * stores it (the biased projection, then the rotated value), and the rotation is `rope`'s
 * arithmetic on the same angle rows, so f32 results equal the composition's bit for bit
 * given the same projections.
 *
 * @since 0.2.0
 */
import type { View } from "../Kernel.ts"
import type { CpuKernel } from "./CpuKernel.ts"
import { ropeAngles, rotateRow } from "./rope.ts"
import { destination, gather, type HostBuffer, rowOf, scatter } from "./Storage.ts"

/** Writes row `slot` of a [S, D] cache: straight into the f32 array when its rows are unit-stride f32, else through `scatter`. */
const writeRow = (host: HostBuffer, cache: View, slot: number, row: Float32Array): void => {
  if (cache.dtype === "f32" && cache.strides[1] === 1) host.f32.set(row, cache.offset + slot * cache.strides[0]!)
  else scatter(host, rowOf(cache, slot), row)
}

/** @since 0.2.0 */
export const ropeKvWrite: CpuKernel<"ropeKvWrite"> = (call, hosts) => {
  const [B, T, Hq, D] = call.q.shape as [number, number, number, number]
  const Hkv = call.k.shape[2]!
  const S = call.kCache.shape[0]!
  // Gathered in [B, T, H, D] order: token n = b·T + t, head h at (n·H + h)·D.
  const q = gather(hosts.q, call.q)
  const k = gather(hosts.k, call.k)
  const v = gather(hosts.v, call.v)
  const qBias = gather(hosts.qBias, call.qBias)
  const kBias = gather(hosts.kBias, call.kBias)
  const vBias = gather(hosts.vBias, call.vBias)
  const pos = gather(hosts.positions, call.positions)
  const slots = gather(hosts.slots, call.slots)
  const qDst = destination(hosts.qOut, call.qOut)
  const qo = qDst.data
  const angles = ropeAngles(call.theta, D)
  const biased = new Float32Array(D)
  const row = new Float32Array(D)
  for (let n = 0; n < B * T; n++) {
    const angle = angles(pos[n]!)
    for (let h = 0; h < Hq; h++) {
      const base = (n * Hq + h) * D
      for (let j = 0; j < D; j++) biased[j] = q[base + j]! + qBias[h * D + j]!
      rotateRow(biased, 0, angle, 1, qo, base)
    }
    for (let h = 0; h < Hkv; h++) {
      const slot = slots[n * Hkv + h]!
      if (slot < 0 || slot >= S) continue
      const base = (n * Hkv + h) * D
      for (let j = 0; j < D; j++) biased[j] = k[base + j]! + kBias[h * D + j]!
      rotateRow(biased, 0, angle, 1, row, 0)
      writeRow(hosts.kCache, call.kCache, slot, row)
      for (let j = 0; j < D; j++) row[j] = v[base + j]! + vBias[h * D + j]!
      writeRow(hosts.vCache, call.vCache, slot, row)
    }
  }
  qDst.commit()
}
