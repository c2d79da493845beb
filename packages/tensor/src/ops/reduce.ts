/**
 * Reductions over axes: sum, mean, max, min, argmax; and `sumToShape`, the adjoint of
 * broadcasting used by the gradient rules.
 *
 * @since 0.1.0
 */
import type { ReduceOp } from "../backend/Kernel.ts"
import { isGradEnabled, noGrad } from "../autograd/mode.ts"
import { record } from "../autograd/record.ts"
import { normalizeAxis, numel, type Shape, sameShape } from "../tensor/shape.ts"
import type { Tensor } from "../tensor/Tensor.ts"
import { mul } from "./elementwise.ts"
import { alloc, run } from "./internal.ts"
import { reshape } from "./views.ts"

const axesOf = (x: Tensor, axis: number | ReadonlyArray<number> | undefined): Array<number> => {
  if (axis === undefined) return x.shape.map((_, i) => i)
  const list = typeof axis === "number" ? [axis] : axis
  return [...new Set(list.map((a) => normalizeAxis(a, x.rank)))].sort((p, q) => p - q)
}

const keptShape = (shape: Shape, axes: ReadonlyArray<number>): Array<number> => shape.map((d, i) => (axes.includes(i) ? 1 : d))
const droppedShape = (shape: Shape, axes: ReadonlyArray<number>): Array<number> => shape.filter((_, i) => !axes.includes(i))

/** Reduces one axis (keepdims) with no autograd. */
const reduceAxis = (op: ReduceOp, x: Tensor, axis: number): Tensor => {
  const out = alloc(x.backend, keptShape(x.shape, [axis]), x.dtype)
  run(x.backend, { kernel: "reduce", op, x: x.view, axis, out: out.view })
  return out
}

/** Reduces several axes (keepdims), disposing intermediates. */
const reduceAxes = (op: ReduceOp, x: Tensor, axes: ReadonlyArray<number>): Tensor => {
  let cur = x
  for (const a of axes) {
    const next = reduceAxis(op, cur, a)
    if (cur !== x) cur.dispose()
    cur = next
  }
  return cur === x ? x.detach() : cur
}

/** Drops the reduced axes unless `keepdims`, without autograd (internal). */
const finish = (t: Tensor, x: Tensor, axes: ReadonlyArray<number>, keepdims: boolean): Tensor => {
  if (keepdims) return t
  const r = noGrad(() => reshape(t, droppedShape(x.shape, axes)))
  t.dispose()
  return r
}

/**
 * Sum over `axis` (all axes when omitted). Accumulates in f32 (or better).
 *
 * @since 0.1.0
 * @category ops
 */
export const sum = (x: Tensor, axis?: number | ReadonlyArray<number>, keepdims = false): Tensor => {
  const axes = axesOf(x, axis)
  const out = finish(reduceAxes("sum", x, axes), x, axes, keepdims)
  return record("sum", out, [x], [], { axes })
}

/**
 * Mean over `axis` (all axes when omitted).
 *
 * @since 0.1.0
 * @category ops
 */
export const mean = (x: Tensor, axis?: number | ReadonlyArray<number>, keepdims = false): Tensor => {
  const axes = axesOf(x, axis)
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1)
  const s = sum(x, axes, keepdims)
  const out = mul(s, 1 / count)
  s.dispose()
  return out
}

const extremum = (op: "max" | "min", x: Tensor, axis: number | undefined, keepdims: boolean): Tensor => {
  if (axis === undefined) {
    const flat = reshape(x, [numel(x.shape)])
    const r = extremum(op, flat, 0, false)
    flat.dispose()
    return r
  }
  const a = normalizeAxis(axis, x.rank)
  const out = finish(reduceAxes(op, x, [a]), x, [a], keepdims)
  // The argmax below only feeds the gradient: skip it when nothing will be recorded.
  if (!x.requiresGrad || !isGradEnabled()) return out
  // The gradient goes to the first extremal element (argmax of x, or of -x for min).
  const idx = noGrad(() => {
    if (op === "max") return argmax(x, a, true)
    const nx = mul(x, -1)
    const r = argmax(nx, a, true)
    nx.dispose()
    return r
  })
  record(op, out, [x], [idx], { axis: a, keepdims })
  idx.dispose()
  return out
}

/**
 * Maximum over one axis (over everything when omitted). The gradient flows to the first maximal element.
 *
 * @since 0.1.0
 * @category ops
 */
export const max = (x: Tensor, axis?: number, keepdims = false): Tensor => extremum("max", x, axis, keepdims)

/**
 * Minimum over one axis (over everything when omitted).
 *
 * @since 0.1.0
 * @category ops
 */
export const min = (x: Tensor, axis?: number, keepdims = false): Tensor => extremum("min", x, axis, keepdims)

/**
 * Index (i32) of the first maximum along `axis`.
 *
 * @since 0.1.0
 * @category ops
 */
export const argmax = (x: Tensor, axis: number, keepdims = false): Tensor => {
  const a = normalizeAxis(axis, x.rank)
  const out = alloc(x.backend, keptShape(x.shape, [a]), "i32")
  run(x.backend, { kernel: "argmax", x: x.view, axis: a, out: out.view })
  return finish(out, x, [a], keepdims)
}

/**
 * Sums a (broadcast) gradient back to `shape`: over leading axes and axes where `shape`
 * has size 1. Returns a new reference even when nothing is summed.
 *
 * @since 0.1.0
 * @category ops
 */
export const sumToShape = (g: Tensor, shape: Shape): Tensor => {
  if (sameShape(g.shape, shape)) return reshape(g, shape)
  const lead = g.rank - shape.length
  const axes: Array<number> = []
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i)
  }
  const s = sum(g, axes, true)
  const r = reshape(s, shape)
  s.dispose()
  return r
}
