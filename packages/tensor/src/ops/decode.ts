/**
 * Decode-only fused ops: kernels for KV-cache decoding steps that write caches in place and
 * have no backward. They throw when asked to record a gradient.
 *
 * @since 0.2.0
 */
import { isGradEnabled } from "../autograd/mode.ts"
import { isRowMajor, sameShape, showShape } from "../tensor/shape.ts"
import type { Tensor } from "../tensor/Tensor.ts"
import { alloc, backendOf, run } from "./internal.ts"

/**
 * The fresh q/k/v projections of a decode step (without their biases) and where they go.
 *
 * @since 0.2.0
 * @category models
 */
export interface RopeKvWriteInput {
  /** [B, T, Hq, D]: the q projection's rows as heads (any strides), bias not yet added. */
  readonly q: Tensor
  /** [B, T, Hkv, D], likewise. */
  readonly k: Tensor
  /** [B, T, Hkv, D], likewise. */
  readonly v: Tensor
  /** [Hq·D], [Hkv·D], [Hkv·D]. */
  readonly qBias: Tensor
  readonly kBias: Tensor
  readonly vBias: Tensor
  /** i32 [B, T]: each token's position (its RoPE angle). */
  readonly positions: Tensor
  /** i32 [B, T, Hkv]: the cache row (counting rows of D) each token's k/v head lands in; distinct. */
  readonly slots: Tensor
  readonly theta: number
  /** The caches, written in place: row-major, one shape, last axis D. */
  readonly kCache: Tensor
  readonly vCache: Tensor
}

/**
 * The q/k/v epilogue of a KV-cache decode step in one kernel: adds the biases, rotates q and k
 * (`rope`), writes the rotated k and the biased v into the caches at `slots` (`scatterRows`),
 * and returns the rotated q as [B, Hq, T, D] (row-major, as `rope` returns it). Equal to that
 * composition (bias in the projection, `rope`, `scatterRows`) up to the projections' rounding:
 * on the CPU bit for bit when the biased projections are. Decode-only: no gradient (throws
 * when gradients are enabled and an input requires one).
 *
 * @since 0.2.0
 * @category nn
 */
export const ropeKvWrite = (input: RopeKvWriteInput): Tensor => {
  const { k, kBias, kCache, positions, q, qBias, slots, theta, v, vBias, vCache } = input
  const all = [q, k, v, qBias, kBias, vBias, positions, slots, kCache, vCache]
  if (isGradEnabled() && all.some((t) => t.requiresGrad)) {
    throw new Error("ropeKvWrite: decode-only, it has no backward; call it under noGrad")
  }
  if (q.rank !== 4) throw new Error(`ropeKvWrite: q must be [B, T, Hq, D], got ${showShape(q.shape)}`)
  const [B, T, Hq, D] = q.shape as [number, number, number, number]
  if (D % 2 !== 0) throw new Error(`ropeKvWrite: head dim ${D} must be even`)
  const Hkv = k.shape[2] ?? 0
  if (k.rank !== 4 || !sameShape(k.shape, [B, T, Hkv, D]) || !sameShape(v.shape, k.shape)) {
    throw new Error(`ropeKvWrite: k ${showShape(k.shape)} and v ${showShape(v.shape)} must be [${B}, ${T}, Hkv, ${D}]`)
  }
  for (const [name, bias, n] of [["qBias", qBias, Hq * D], ["kBias", kBias, Hkv * D], ["vBias", vBias, Hkv * D]] as const) {
    if (!sameShape(bias.shape, [n])) throw new Error(`ropeKvWrite: ${name} ${showShape(bias.shape)}, expected [${n}]`)
  }
  if (positions.dtype !== "i32" || !sameShape(positions.shape, [B, T])) {
    throw new Error(`ropeKvWrite: positions must be i32 [${B}, ${T}], got ${positions.dtype} ${showShape(positions.shape)}`)
  }
  if (slots.dtype !== "i32" || !sameShape(slots.shape, [B, T, Hkv])) {
    throw new Error(`ropeKvWrite: slots must be i32 [${B}, ${T}, ${Hkv}], got ${slots.dtype} ${showShape(slots.shape)}`)
  }
  for (const [name, cache] of [["kCache", kCache], ["vCache", vCache]] as const) {
    if (cache.shape[cache.rank - 1] !== D || !isRowMajor(cache.shape, cache.view.strides)) {
      throw new Error(`ropeKvWrite: ${name} ${showShape(cache.shape)} must be row-major with last axis ${D}`)
    }
  }
  if (!sameShape(kCache.shape, vCache.shape)) {
    throw new Error(`ropeKvWrite: kCache ${showShape(kCache.shape)} and vCache ${showShape(vCache.shape)} differ`)
  }
  const backend = backendOf(...all)
  const out = alloc(backend, [B, Hq, T, D], q.dtype === "i32" ? "f32" : q.dtype)
  const rows = kCache.size / Math.max(D, 1)
  const cacheRows = (c: Tensor) => ({ ...c.view, shape: [rows, D], strides: [D, 1] })
  run(backend, {
    kernel: "ropeKvWrite",
    q: q.view,
    k: k.view,
    v: v.view,
    qBias: qBias.view,
    kBias: kBias.view,
    vBias: vBias.view,
    positions: positions.view,
    slots: slots.view,
    theta,
    // Written in [B, T, Hq, D] order into the [B, Hq, T, D] tensor.
    qOut: { ...out.view, shape: [B, T, Hq, D], strides: [Hq * T * D, D, T * D, 1] },
    kCache: cacheRows(kCache),
    vCache: cacheRows(vCache)
  })
  return out
}
