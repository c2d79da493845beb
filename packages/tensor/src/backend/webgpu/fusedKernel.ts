/**
 * One dispatch for a group of pointwise calls, in one of two modes:
 *
 * - `single`: one workgroup runs the calls in order, its invocations striding over each
 *   call's elements, with a storage and workgroup barrier between calls. Every call
 *   completes before the next starts, so any views (strided, transposed, broadcast) and any
 *   aliasing (in-place ops, a call reading what an earlier one wrote through another view)
 *   give exactly what running them one by one gives. For small calls.
 * - `grid`: every call has the same element count and every buffer the group writes is
 *   only seen through contiguous views at one offset, so element i of every call touches
 *   element offset + i of every written buffer: invocation i runs all calls for its index
 *   with no barrier (no other invocation touches those elements; buffers only read can be
 *   viewed any way). Any size, many workgroups.
 *
 * What is saved is the per-dispatch cost (encoding, and on CPU rasterizers the launch and
 * barrier of a dispatch), which dominates for tensors of a few thousand elements.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../Backend.ts"
import type { DType } from "../Kernel.ts"
import type { Binding, DispatchSpec } from "./DispatchSpec.ts"
import type { PointwisePlan } from "./pointwise.ts"
import { numel } from "../../tensor/shape.ts"
import { coalesce, offsetsCode, packViews } from "./stridedIndex.ts"
import { entryParams, linearIndex, UNIFORM_WORDS } from "./wgslHeader.ts"

/** Invocations of the single workgroup. */
const WG = 64

/**
 * A call ready to join a group: its plan, dimensions coalesced over its operands, and the
 * uniform words it needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface FusedOp {
  readonly plan: PointwisePlan
  readonly n: number
  readonly shape: ReadonlyArray<number>
  readonly strides: ReadonlyArray<ReadonlyArray<number>>
  readonly words: number
}

/**
 * Prepares a plan for fusion.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fusedOp = (plan: PointwisePlan): FusedOp => {
  const c = coalesce(plan.shape, plan.operands.map((o) => o.view.strides))
  const rank = c.shape.length
  return {
    plan,
    n: numel(plan.shape),
    shape: c.shape,
    strides: c.strides,
    words: 1 + plan.scalars.length + rank + plan.operands.length * (1 + rank)
  }
}

/**
 * The distinct (buffer, dtype) bindings of a group, each bound once (read-write if any
 * call writes it).
 *
 * @since 0.1.0
 * @category models
 */
export interface GroupBinding {
  readonly buffer: BufferHandle
  readonly dtype: DType
  write: boolean
}

/**
 * The dispatch for a group: `ops` in order, `slots[k][v]` the group binding of operand v of
 * op k. Returns the spec and its signature (what the generated code depends on), which
 * also keys the pipeline cache, so a repeated chain (a training step) reuses the pipeline.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fusedSpec = (
  ops: ReadonlyArray<FusedOp>,
  slots: ReadonlyArray<ReadonlyArray<number>>,
  bindings: ReadonlyArray<GroupBinding>,
  mode: "single" | "grid"
): { spec: DispatchSpec; signature: string } => {
  const words: Array<number> = []
  const layout: Array<{ base: number; shapeAt: number; viewAt: Array<number> }> = []
  let signature = `${mode}:${bindings.map((b) => `${b.dtype}${b.write ? "w" : "r"}`).join("")}`
  ops.forEach((op, k) => {
    const base = words.length
    words.push(op.n, ...op.plan.scalars)
    const shapeAt = words.length
    const viewAt = packViews(words, shapeAt, op.shape, op.plan.operands.map((o) => o.view.offset), op.strides)
    layout.push({ base, shapeAt, viewAt })
    signature += `;${op.plan.kernel}:${op.plan.key}:${op.shape.length}:${slots[k]!.join(".")}`
  })
  let uniformWords = UNIFORM_WORDS
  while (uniformWords < words.length) uniformWords *= 2
  const groupBindings: Array<Binding> = bindings.map((b) => ({ buffer: b.buffer, dtype: b.dtype, write: b.write }))
  const modules = new Set(ops.map((op) => op.plan.moduleCode))
  const source = (names: ReadonlyArray<string>): string => {
    if (mode === "grid") {
      const steps = ops.map((op, k) => {
        const { base, shapeAt, viewAt } = layout[k]!
        const opNames = slots[k]!.map((s) => names[s]!)
        return `{
  ${offsetsCode(op.shape.length, shapeAt, viewAt, "i", "o")}
  ${op.plan.body(opNames, (v) => `o${v}`, (j) => `${base + 1 + j}u`)}
}`
      })
      return `${[...modules].join("\n")}
@compute @workgroup_size(${WG}) fn main(${entryParams}) {
let i = ${linearIndex(WG)};
if (i >= ui(0u)) { return; }
${steps.join("\n")}
}`
    }
    const steps = ops.map((op, k) => {
      const { base, shapeAt, viewAt } = layout[k]!
      const opNames = slots[k]!.map((s) => names[s]!)
      return `{
  let cnt = ui(${base}u);
  for (var i: i32 = i32(lid.x); i < cnt; i += ${WG}) {
    ${offsetsCode(op.shape.length, shapeAt, viewAt, "i", "o")}
    ${op.plan.body(opNames, (v) => `o${v}`, (j) => `${base + 1 + j}u`)}
  }
}
storageBarrier();
workgroupBarrier();`
    })
    return `${[...modules].join("\n")}
@compute @workgroup_size(${WG}) fn main(${entryParams}) {
${steps.join("\n")}
}`
  }
  return {
    signature,
    spec: {
      kernel: "fused",
      key: signature,
      bindings: groupBindings,
      uniforms: words,
      uniformWords,
      transient: true,
      groups: mode === "grid" ? Math.ceil(ops[0]!.n / WG) : 1,
      source
    }
  }
}
