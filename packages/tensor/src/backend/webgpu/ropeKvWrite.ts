/**
 * Decode epilogue (`ropeKvWrite`): q/k/v bias, RoPE of q and k and the K/V cache row writes
 * of one decode step in one dispatch, one thread per (token, head, rotated pair), where
 * `rope` twice, `scatterRows` twice and a bias pass per projection took five or more. Angles
 * as in `rope.ts` (f32, position · theta^(-2i/D)).
 *
 * Eleven storage buffers: where the device allows fewer, q runs in a dispatch of its own
 * (four buffers) and k/v in another (eight). Caches past the binding limit are written block
 * by block, as `scatterRows` does.
 *
 * @since 0.2.0
 */
import type { KernelCall, View } from "../Kernel.ts"
import { f32bits } from "./f32bits.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./KernelContext.ts"
import { tableBlocks } from "./tableBlocks.ts"
import { entryParams, linearIndex } from "./wgslHeader.ts"

type Call = Extract<KernelCall, { kernel: "ropeKvWrite" }>

const WG = 64
const ALL_BUFFERS = 11

const at = (v: View) => [v.offset, ...v.strides]

// Uniform words: 0 threads, 1 T, 2 Hq, 3 Hkv, 4 half, 5 log2(theta), 6 first cache row of
// this block, 7 its row count, 8 heads in this dispatch, 9 first head, 10 write q;
// then offset and strides of q 11, k 16, v 21, qOut 26, qBias 31, kBias 33, vBias 35,
// positions 37, slots 40, kCache 44, vCache 47.
const prelude = (ps: string) => `
@compute @workgroup_size(${WG}) fn main(${entryParams}) {
  let idx = ${linearIndex(WG)};
  if (idx >= ui(0u)) { return; }
  let T = ui(1u); let Hq = ui(2u); let Hkv = ui(3u); let half = ui(4u); let D = 2 * half;
  let i = idx % half;
  let g = ui(9u) + (idx / half) % ui(8u);
  let n = idx / (half * ui(8u));
  let b = n / T; let t = n % T;
  let pos = f32(ldi_${ps}(ui(37u) + b * ui(38u) + t * ui(39u)));
  let ang = pos * exp2(-f32(2 * i) / f32(D) * uf(5u));
  let cs = cos(ang); let sn = sin(ang);`

const qPart = (qs: string, qbs: string, qos: string) => `
  if (g < Hq) {
    if (u(10u) == 0u) { return; }
    let xb = ui(11u) + b * ui(12u) + t * ui(13u) + g * ui(14u);
    let x1 = ld_${qs}(xb + i * ui(15u)) + ld_${qbs}(ui(31u) + (g * D + i) * ui(32u));
    let x2 = ld_${qs}(xb + (i + half) * ui(15u)) + ld_${qbs}(ui(31u) + (g * D + i + half) * ui(32u));
    let ob = ui(26u) + b * ui(27u) + t * ui(28u) + g * ui(29u);
    st_${qos}(ob + i * ui(30u), x1 * cs - x2 * sn);
    st_${qos}(ob + (i + half) * ui(30u), x2 * cs + x1 * sn);
    return;
  }`

const kvPart = (ks: string, vs: string, kbs: string, vbs: string, ss: string, kcs: string, vcs: string) => `
  let isV = g >= Hq + Hkv;
  let h = select(g - Hq, g - Hq - Hkv, isV);
  let slot = ldi_${ss}(ui(40u) + b * ui(41u) + t * ui(42u) + h * ui(43u)) - ui(6u);
  if (slot < 0 || slot >= ui(7u)) { return; }
  if (isV) {
    let xb = ui(21u) + b * ui(22u) + t * ui(23u) + h * ui(24u);
    let cb = ui(47u) + slot * ui(48u);
    st_${vcs}(cb + i * ui(49u), ld_${vs}(xb + i * ui(25u)) + ld_${vbs}(ui(35u) + (h * D + i) * ui(36u)));
    st_${vcs}(cb + (i + half) * ui(49u), ld_${vs}(xb + (i + half) * ui(25u)) + ld_${vbs}(ui(35u) + (h * D + i + half) * ui(36u)));
    return;
  }
  let xb = ui(16u) + b * ui(17u) + t * ui(18u) + h * ui(19u);
  let x1 = ld_${ks}(xb + i * ui(20u)) + ld_${kbs}(ui(33u) + (h * D + i) * ui(34u));
  let x2 = ld_${ks}(xb + (i + half) * ui(20u)) + ld_${kbs}(ui(33u) + (h * D + i + half) * ui(34u));
  let cb = ui(44u) + slot * ui(45u);
  st_${kcs}(cb + i * ui(46u), x1 * cs - x2 * sn);
  st_${kcs}(cb + (i + half) * ui(46u), x2 * cs + x1 * sn);`

/** @since 0.2.0 @category kernels */
export const ropeKvWrite = (ctx: KernelContext, c: Call): void => {
  if (c.q.shape.length !== 4 || c.k.shape.length !== 4) throw invalidCall("ropeKvWrite", "q and k must be [B, T, H, D]")
  const [B, T, Hq, D] = c.q.shape as [number, number, number, number]
  const Hkv = c.k.shape[2]!
  if (D % 2 !== 0) throw invalidCall("ropeKvWrite", "D must be even")
  const half = D / 2
  const N = B * T
  if (N === 0 || D === 0) return
  const kBlocks = tableBlocks(ctx, c.kCache, "ropeKvWrite")
  const vBlocks = tableBlocks(ctx, c.vCache, "ropeKvWrite")
  try {
    if (kBlocks.length !== vBlocks.length || kBlocks.some((blk, j) => blk.lo !== vBlocks[j]!.lo || blk.rows !== vBlocks[j]!.rows)) {
      throw invalidCall("ropeKvWrite", "kCache and vCache must have one layout")
    }
    const split = ctx.maxStorageBuffers < ALL_BUFFERS
    const words = (first: number, heads: number, lo: number, rows: number, writeQ: boolean, kc: View, vc: View) => [
      N * heads * half, T, Hq, Hkv, half, f32bits(Math.log2(c.theta)), lo, rows, heads, first, writeQ ? 1 : 0,
      ...at(c.q), ...at(c.k), ...at(c.v), ...at(c.qOut),
      ...at(c.qBias), ...at(c.kBias), ...at(c.vBias),
      ...at(c.positions), ...at(c.slots), ...at(kc), ...at(vc)
    ]
    const q = { buffer: c.q.buffer, dtype: c.q.dtype, write: false }
    const qb = { buffer: c.qBias.buffer, dtype: c.qBias.dtype, write: false }
    const qo = { buffer: c.qOut.buffer, dtype: c.qOut.dtype, write: true }
    const p = { buffer: c.positions.buffer, dtype: c.positions.dtype, write: false }
    const kv = (kc: View, vc: View) => [
      { buffer: c.k.buffer, dtype: c.k.dtype, write: false },
      { buffer: c.v.buffer, dtype: c.v.dtype, write: false },
      { buffer: c.kBias.buffer, dtype: c.kBias.dtype, write: false },
      { buffer: c.vBias.buffer, dtype: c.vBias.dtype, write: false },
      { buffer: c.slots.buffer, dtype: c.slots.dtype, write: false },
      { buffer: kc.buffer, dtype: kc.dtype, write: true },
      { buffer: vc.buffer, dtype: vc.dtype, write: true }
    ]
    if (split) {
      const [kc, vc] = [kBlocks[0]!.view, vBlocks[0]!.view]
      ctx.rt.run({
        kernel: "ropeKvWrite-q",
        key: "",
        bindings: [p, q, qb, qo],
        uniforms: words(0, Hq, 0, 0, true, kc, vc),
        groups: Math.ceil((N * Hq * half) / WG),
        source: ([ps, qs, qbs, qos]) => `${prelude(ps!)}${qPart(qs!, qbs!, qos!)}
}`
      })
    }
    kBlocks.forEach((kBlock, j) => {
      const vBlock = vBlocks[j]!
      const first = split ? Hq : 0
      const heads = split ? 2 * Hkv : Hq + 2 * Hkv
      ctx.rt.run({
        kernel: split ? "ropeKvWrite-kv" : "ropeKvWrite",
        key: "",
        bindings: split ? [p, ...kv(kBlock.view, vBlock.view)] : [p, q, qb, qo, ...kv(kBlock.view, vBlock.view)],
        uniforms: words(first, heads, kBlock.lo, kBlock.rows, j === 0, kBlock.view, vBlock.view),
        groups: Math.ceil((N * heads * half) / WG),
        source: (names) =>
          split
            ? `${prelude(names[0]!)}${kvPart(names[1]!, names[2]!, names[3]!, names[4]!, names[5]!, names[6]!, names[7]!)}
}`
            : `${prelude(names[0]!)}${qPart(names[1]!, names[2]!, names[3]!)}${kvPart(names[4]!, names[5]!, names[6]!, names[7]!, names[8]!, names[9]!, names[10]!)}
}`
      })
    })
  } finally {
    for (const blk of [...kBlocks, ...vBlocks]) if (blk.window !== undefined) ctx.rt.dropWindow(blk.window)
  }
}
