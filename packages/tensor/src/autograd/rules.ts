/**
 * The gradient rules: ONE table from op name to its backward function. A rule gets the
 * node (its saved tensors, attributes, input shapes) and the gradient of the output, and
 * returns one gradient per input (null where an input needs none). Rules run under
 * `noGrad` inside a `tidy`, so temporaries they create are released automatically.
 *
 * @since 0.1.0
 */
import type { View } from "../backend/Kernel.ts"
import * as E from "../ops/elementwise.ts"
import { alloc, run } from "../ops/internal.ts"
import { matmul } from "../ops/matmul.ts"
import { asRows } from "../ops/nn.ts"
import { sumToShape } from "../ops/reduce.ts"
import * as Vw from "../ops/views.ts"
import { arange } from "../tensor/creation.ts"
import type { Shape } from "../tensor/shape.ts"
import type { Tensor } from "../tensor/Tensor.ts"
import type { Node } from "./Node.ts"

/** A backward function. @since 0.1.0 @category models */
export type GradRule = (node: Node, g: Tensor) => ReadonlyArray<Tensor | null>

const saved = (node: Node, i: number): Tensor => node.saved[i] as Tensor
const inShape = (node: Node, i: number): Shape => node.inputs[i]!.shape
const needs = (node: Node, i: number): boolean => node.inputs[i] != null

/** Computes a gradient only for inputs that need one. */
const only = (node: Node, i: number, f: () => Tensor): Tensor | null => (needs(node, i) ? f() : null)

/** d/dx of a unary op from its saved tensor s (x or the output, see `ops/elementwise.ts`). */
const unaryRule = (f: (g: Tensor, s: Tensor) => Tensor): GradRule => (node, g) => [f(g, saved(node, 0))]

const ruleTable = {
  add: (node, g) => [only(node, 0, () => sumToShape(g, inShape(node, 0))), only(node, 1, () => sumToShape(g, inShape(node, 1)))],
  sub: (node, g) => [
    only(node, 0, () => sumToShape(g, inShape(node, 0))),
    only(node, 1, () => sumToShape(E.neg(g), inShape(node, 1)))
  ],
  mul: (node, g) => [
    only(node, 0, () => sumToShape(E.mul(g, saved(node, 1)), inShape(node, 0))),
    only(node, 1, () => sumToShape(E.mul(g, saved(node, 0)), inShape(node, 1)))
  ],
  div: (node, g) => {
    const [a, b] = [saved(node, 0), saved(node, 1)]
    return [
      only(node, 0, () => sumToShape(E.div(g, b), inShape(node, 0))),
      only(node, 1, () => sumToShape(E.neg(E.div(E.mul(g, a), E.square(b))), inShape(node, 1)))
    ]
  },
  pow: (node, g) => {
    const [a, b, out] = [saved(node, 0), saved(node, 1), saved(node, 2)]
    return [
      only(node, 0, () => sumToShape(E.mul(E.mul(g, b), E.pow(a, E.sub(b, 1))), inShape(node, 0))),
      only(node, 1, () => sumToShape(E.mul(E.mul(g, out), E.log(a)), inShape(node, 1)))
    ]
  },
  maximum: (node, g) => {
    const mask = E.ge(saved(node, 0), saved(node, 1))
    return [
      only(node, 0, () => sumToShape(E.where(mask, g, 0), inShape(node, 0))),
      only(node, 1, () => sumToShape(E.where(mask, 0, g), inShape(node, 1)))
    ]
  },
  minimum: (node, g) => {
    const mask = E.le(saved(node, 0), saved(node, 1))
    return [
      only(node, 0, () => sumToShape(E.where(mask, g, 0), inShape(node, 0))),
      only(node, 1, () => sumToShape(E.where(mask, 0, g), inShape(node, 1)))
    ]
  },
  neg: (_node, g) => [E.neg(g)],
  abs: unaryRule((g, x) => E.mul(g, E.sub(E.gt(x, 0), E.lt(x, 0)))),
  exp: unaryRule((g, y) => E.mul(g, y)),
  log: unaryRule((g, x) => E.div(g, x)),
  sqrt: unaryRule((g, y) => E.mul(E.div(g, y), 0.5)),
  rsqrt: unaryRule((g, y) => E.mul(E.mul(g, E.mul(y, E.square(y))), -0.5)),
  recip: unaryRule((g, y) => E.neg(E.mul(g, E.square(y)))),
  square: unaryRule((g, x) => E.mul(E.mul(g, x), 2)),
  tanh: unaryRule((g, y) => E.mul(g, E.sub(1, E.square(y)))),
  sigmoid: unaryRule((g, y) => E.mul(g, E.mul(y, E.sub(1, y)))),
  silu: unaryRule((g, x) => {
    const s = E.sigmoid(x)
    return E.mul(g, E.mul(s, E.add(1, E.mul(x, E.sub(1, s)))))
  }),
  relu: unaryRule((g, x) => E.mul(g, E.gt(x, 0))),
  sin: unaryRule((g, x) => E.mul(g, E.cos(x))),
  cos: unaryRule((g, x) => E.neg(E.mul(g, E.sin(x)))),
  where: (node, g) => {
    const cond = saved(node, 0)
    return [
      null,
      only(node, 1, () => sumToShape(E.where(cond, g, 0), inShape(node, 1))),
      only(node, 2, () => sumToShape(E.where(cond, 0, g), inShape(node, 2)))
    ]
  },
  sum: (node, g) => {
    const { axes } = node.attrs as { axes: ReadonlyArray<number> }
    const shape = inShape(node, 0)
    const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d))
    return [Vw.expand(Vw.reshape(g, kept), shape)]
  },
  max: (node, g) => extremumRule(node, g),
  min: (node, g) => extremumRule(node, g),
  matmul: (node, g) => {
    const [a, b] = [saved(node, 0), saved(node, 1)]
    return [
      only(node, 0, () => sumToShape(matmul(g, Vw.transpose(b)), inShape(node, 0))),
      only(node, 1, () => sumToShape(matmul(Vw.transpose(a), g), inShape(node, 1)))
    ]
  },
  linear: (node, g) => {
    const [x, w] = [saved(node, 0), saved(node, 1)]
    const [N, K] = w.shape as [number, number]
    return [
      only(node, 0, () => matmul(g, w)),
      only(node, 1, () => matmul(Vw.transpose(Vw.reshape(g, [g.size / N, N])), Vw.reshape(x, [x.size / K, K]))),
      only(node, 2, () => sumToShape(g, [N]))
    ]
  },
  siluMul: (node, g) => {
    const [gate, up] = [saved(node, 0), saved(node, 1)]
    const dgate = alloc(gate.backend, gate.shape, gate.dtype)
    const dup = alloc(gate.backend, up.shape, up.dtype)
    run(gate.backend, {
      kernel: "siluMulBackward",
      gate: gate.view,
      up: up.view,
      dy: Vw.contiguous(g).view,
      dgate: dgate.view,
      dup: dup.view
    })
    return [dgate, dup]
  },
  softmax: (node, g) => {
    const y = saved(node, 0)
    const dx = alloc(y.backend, y.shape, y.dtype)
    const { log } = node.attrs as { log: boolean }
    run(y.backend, { kernel: "softmaxBackward", log, y: y.view, dy: Vw.contiguous(g).view, dx: dx.view })
    return [dx]
  },
  rmsnorm: (node, g) => {
    const [x, w, rstd] = [saved(node, 0), saved(node, 1), saved(node, 2)]
    const { d } = node.attrs as { d: number }
    const dx = alloc(x.backend, x.shape, x.dtype)
    const dw = alloc(x.backend, w.shape, "f32")
    run(x.backend, {
      kernel: "rmsnormBackward",
      x: asRows(x.view, d),
      weight: w.view,
      rstd: rstd.view,
      dy: asRows(Vw.contiguous(g).view, d),
      dx: asRows(dx.view, d),
      dweight: dw.view
    })
    return [dx, dw]
  },
  rope: (node, g) => {
    const positions = saved(node, 0)
    const { theta } = node.attrs as { theta: number }
    const dx = alloc(g.backend, g.shape, node.inputs[0]!.dtype)
    run(g.backend, { kernel: "rope", x: g.view, positions: positions.view, theta, inverse: true, out: dx.view })
    return [dx]
  },
  attention: (node, g) => {
    const [q, k, v, out, lse] = [0, 1, 2, 3, 4].map((i) => saved(node, i)) as [Tensor, Tensor, Tensor, Tensor, Tensor]
    const attrs = node.attrs as { scale: number; causal: boolean; qOffset: number; kvLength: number }
    const dq = alloc(q.backend, q.shape, q.dtype)
    const dk = alloc(q.backend, k.shape, k.dtype)
    const dv = alloc(q.backend, v.shape, v.dtype)
    run(q.backend, {
      kernel: "attentionBackward",
      q: q.view,
      k: k.view,
      v: v.view,
      out: out.view,
      lse: lse.view,
      dout: Vw.contiguous(g).view,
      dq: dq.view,
      dk: dk.view,
      dv: dv.view,
      ...attrs
    })
    return [dq, dk, dv]
  },
  embedding: (node, g) => {
    const ids = saved(node, 0)
    const [V, D] = inShape(node, 0) as [number, number]
    const dtable = alloc(g.backend, [V, D], "f32")
    run(g.backend, { kernel: "fill", out: dtable.view, value: 0 })
    const gv = Vw.contiguous(g).view
    run(g.backend, {
      kernel: "embeddingBackward",
      ids: { ...ids.view, shape: [ids.size], strides: [1] },
      dy: { ...gv, shape: [ids.size, D], strides: [D, 1] },
      dtable: dtable.view
    })
    return [dtable]
  },
  logprobGather: (node, g) => {
    const [logits, targets, lse] = [saved(node, 0), saved(node, 1), saved(node, 2)]
    const V = logits.shape[logits.rank - 1]!
    const N = targets.size
    const dl = alloc(g.backend, logits.shape, logits.dtype)
    const gv: View = Vw.contiguous(g).view
    run(g.backend, {
      kernel: "logprobGatherBackward",
      logits: asRows(logits.view, V),
      targets: { ...targets.view, shape: [N], strides: [1] },
      lse: lse.view,
      dy: { ...gv, shape: [N], strides: [1] },
      dlogits: asRows(dl.view, V)
    })
    return [dl]
  },
  reshape: (node, g) => [Vw.reshape(g, inShape(node, 0))],
  permute: (node, g) => {
    const { axes } = node.attrs as { axes: ReadonlyArray<number> }
    const inverse = new Array<number>(axes.length)
    axes.forEach((a, i) => (inverse[a] = i))
    return [Vw.permute(g, inverse)]
  },
  slice: (node, g) => {
    const { spec } = node.attrs as { spec: ReadonlyArray<readonly [number, number, number]> }
    const shape = inShape(node, 0)
    const dx = alloc(g.backend, shape, node.inputs[0]!.dtype)
    const dv = dx.view
    run(g.backend, { kernel: "fill", out: dv, value: 0 })
    let offset = 0
    spec.forEach(([start], i) => (offset += start * dv.strides[i]!))
    const window: View = {
      ...dv,
      shape: spec.map(([, size]) => size),
      strides: spec.map(([, , step], i) => step * dv.strides[i]!),
      offset
    }
    if (g.size > 0) run(g.backend, { kernel: "copy", x: g.view, out: window })
    return [dx]
  },
  expand: (node, g) => [sumToShape(g, inShape(node, 0))],
  identity: (_node, g) => [g.detach()],
  cast: (node, g) => [Vw.cast(g, node.inputs[0]!.dtype)],
  concat: (node, g) => {
    const { axis, sizes } = node.attrs as { axis: number; sizes: ReadonlyArray<number> }
    let start = 0
    return sizes.map((size, i) => {
      const s = start
      start += size
      return only(node, i, () => Vw.slice(g, g.shape.map((_, d) => (d === axis ? { start: s, stop: s + size } : null))))
    })
  }
} satisfies Record<string, GradRule>

/** The gradient of max/min: g at the first extremal index, 0 elsewhere. */
function extremumRule(node: Node, g: Tensor): ReadonlyArray<Tensor | null> {
  const idx = saved(node, 0)
  const { axis, keepdims } = node.attrs as { axis: number; keepdims: boolean }
  const shape = inShape(node, 0)
  const kept = shape.map((d, i) => (i === axis ? 1 : d))
  const gk = keepdims ? g : Vw.reshape(g, kept)
  const positions = Vw.reshape(
    arange(shape[axis]!, undefined, 1, { backend: g.backend }),
    shape.map((d, i) => (i === axis ? d : 1))
  )
  return [E.where(E.eq(positions, idx), gk, 0)]
}

/**
 * Names of the differentiable ops.
 *
 * @since 0.1.0
 * @category models
 */
export type OpName = keyof typeof ruleTable

/**
 * The table itself (op name → backward).
 *
 * @since 0.1.0
 * @category autograd
 */
export const gradRules: Readonly<Record<OpName, GradRule>> = ruleTable
