/**
 * The shared launcher for elementwise kernels over strided views of one shape: coalesces
 * dimensions (contiguous operands become a rank-1 loop), packs offsets and strides into the
 * uniforms and generates the per-thread offset arithmetic around a kernel body.
 *
 * @since 0.1.0
 */
import type { View } from "../Kernel.ts"
import type { Runtime } from "./Runtime.ts"
import { numel } from "../../tensor/shape.ts"
import { coalesce, offsetsCode, packViews } from "./stridedIndex.ts"
import { entryParams, linearIndex } from "./wgslHeader.ts"

const WG = 64
/** Uniform words 1..15 carry kernel scalars; shapes and strides start at 16. */
const SHAPE_AT = 16

/**
 * An operand of an elementwise kernel.
 *
 * @since 0.1.0
 * @category models
 */
export interface Operand {
  readonly view: View
  readonly write: boolean
}

/**
 * Launches `body` once per element of `shape`. In the body, `o<v>` is operand v's element
 * offset, `names[v]` its binding name and `uf(1 + j)` / `ui(1 + j)` scalar j; `moduleCode`
 * adds module-scope WGSL (helper functions).
 *
 * @since 0.1.0
 * @category constructors
 */
export const runElementwise = (
  rt: Runtime,
  kernel: string,
  key: string,
  shape: ReadonlyArray<number>,
  operands: ReadonlyArray<Operand>,
  scalars: ReadonlyArray<number>,
  body: (names: ReadonlyArray<string>) => string,
  moduleCode = ""
): void => {
  const n = numel(shape)
  if (n === 0) return
  const c = coalesce(shape, operands.map((o) => o.view.strides))
  const rank = c.shape.length
  const words: Array<number> = [n, ...scalars]
  const bases = packViews(words, SHAPE_AT, c.shape, operands.map((o) => o.view.offset), c.strides)
  for (let i = 0; i < words.length; i++) words[i] ??= 0
  rt.run({
    kernel,
    key: `${key}|r${rank}`,
    bindings: operands.map((o) => ({ buffer: o.view.buffer, dtype: o.view.dtype, write: o.write })),
    uniforms: words,
    groups: Math.ceil(n / WG),
    source: (names) => `${moduleCode}
@compute @workgroup_size(${WG}) fn main(${entryParams}) {
  let i = ${linearIndex(WG)};
  if (i >= ui(0u)) { return; }
  ${offsetsCode(rank, SHAPE_AT, bases, "i", "o")}
  ${body(names)}
}`
  })
}
