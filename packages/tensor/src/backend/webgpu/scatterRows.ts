/**
 * Row scatter-write: out[ids[n], :] = x[n, :], one invocation per element of x, in one
 * dispatch per binding-sized block of out (one in practice). Ids are distinct by contract,
 * so no two invocations write one element and no sort or atomics are needed (unlike the
 * scatter-add of `embeddingBackward`). Decoding writes each step's K/V cache slots with it.
 *
 * @since 0.1.0
 */
import type { KernelCall } from "../Kernel.ts"
import { invalidCall } from "./gpuErrors.ts"
import type { KernelContext } from "./KernelContext.ts"
import { forEachBlock } from "./tableBlocks.ts"
import { entryParams, linearIndex } from "./wgslHeader.ts"

type Call = Extract<KernelCall, { kernel: "scatterRows" }>

const WG = 64

/** @since 0.1.0 @category kernels */
export const scatterRows = (ctx: KernelContext, c: Call): void => {
  if (c.out.shape.length !== 2 || c.x.shape.length !== 2) throw invalidCall("scatterRows", "x and out must be 2-D")
  const [V, D] = c.out.shape as [number, number]
  const N = c.ids.shape[0] ?? 1
  const n = N * D
  if (n === 0 || V === 0) return
  forEachBlock(ctx, c.out, (blk) => {
    const o = blk.view
    // 0 n, 1 D, 2 first row of this block, 3 its row count, 4-6 out (offset, strides),
    // 7-8 ids (offset, stride), 9-11 x (offset, strides).
    const words = [n, D, blk.lo, blk.rows, o.offset, ...o.strides, c.ids.offset, c.ids.strides[0] ?? 1, c.x.offset, ...c.x.strides]
    ctx.rt.run({
      kernel: "scatterRows",
      key: "",
      bindings: [
        { buffer: c.ids.buffer, dtype: c.ids.dtype, write: false },
        { buffer: c.x.buffer, dtype: c.x.dtype, write: false },
        { buffer: o.buffer, dtype: o.dtype, write: true }
      ],
      uniforms: words,
      groups: Math.ceil(n / WG),
      source: ([is, xs, os]) => `
@compute @workgroup_size(${WG}) fn main(${entryParams}) {
  let i = ${linearIndex(WG)};
  if (i >= ui(0u)) { return; }
  let r = i / ui(1u); let j = i % ui(1u);
  let local = ldi_${is}(ui(7u) + r * ui(8u)) - ui(2u);
  if (local >= 0 && local < ui(3u)) {
    st_${os}(ui(4u) + local * ui(5u) + j * ui(6u), ld_${xs}(ui(9u) + r * ui(10u) + j * ui(11u)));
  }
}`
    })
  }, "scatterRows")
}
