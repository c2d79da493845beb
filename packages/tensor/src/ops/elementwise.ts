/**
 * Elementwise ops with NumPy broadcasting: arithmetic, comparisons, unary math, `where`.
 * Numbers stand for rank-0 tensors of the other operand's dtype. Mixed float dtypes
 * compute into the wider one (f32); comparisons return 1/0 in that dtype.
 *
 * @since 0.1.0
 */
import type { BinaryOp, DType, UnaryOp } from "../backend/Kernel.ts"
import { record } from "../autograd/record.ts"
import type { OpName } from "../autograd/rules.ts"
import { broadcastShapes } from "../tensor/shape.ts"
import type { Tensor, TensorLike } from "../tensor/Tensor.ts"
import { alloc, backendOf, broadcastView, promote, run, scalar } from "./internal.ts"

const toTensors = (a: TensorLike, b: TensorLike): [Tensor, Tensor, Array<Tensor>] => {
  if (typeof a !== "number" && typeof b !== "number") return [a, b, []]
  if (typeof a !== "number" && typeof b === "number") {
    const s = scalar(a.backend, b, a.dtype === "i32" && !Number.isInteger(b) ? "f32" : a.dtype)
    return [a, s, [s]]
  }
  if (typeof a === "number" && typeof b !== "number") {
    const s = scalar(b.backend, a, b.dtype === "i32" && !Number.isInteger(a) ? "f32" : b.dtype)
    return [s, b, [s]]
  }
  throw new Error("elementwise op needs at least one tensor")
}

/** What each differentiable binary op saves: its inputs, and for pow its output too. */
const binary = (op: BinaryOp, grad: OpName | null, aIn: TensorLike, bIn: TensorLike): Tensor => {
  const [a, b, temps] = toTensors(aIn, bIn)
  const backend = backendOf(a, b)
  const shape = broadcastShapes(a.shape, b.shape)
  const out = alloc(backend, shape, promote(a.dtype, b.dtype))
  run(backend, { kernel: "binary", op, a: broadcastView(a, shape), b: broadcastView(b, shape), out: out.view })
  if (grad !== null) {
    const saved = grad === "add" || grad === "sub" ? [] : grad === "pow" ? [a, b, out] : [a, b]
    record(grad, out, [a, b], saved)
  }
  for (const t of temps) t.dispose()
  return out
}

/** a + b. @since 0.1.0 @category ops */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary("add", "add", a, b)
/** a - b. @since 0.1.0 @category ops */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary("sub", "sub", a, b)
/** a * b. @since 0.1.0 @category ops */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary("mul", "mul", a, b)
/** a / b. @since 0.1.0 @category ops */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary("div", "div", a, b)
/** a ** b (the gradient in b needs a > 0). @since 0.1.0 @category ops */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary("pow", "pow", a, b)
/** Elementwise max (ties send the gradient to a). @since 0.1.0 @category ops */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary("max", "maximum", a, b)
/** Elementwise min (ties send the gradient to a). @since 0.1.0 @category ops */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary("min", "minimum", a, b)
/** a == b as 1/0. @since 0.1.0 @category ops */
export const eq = (a: TensorLike, b: TensorLike): Tensor => binary("eq", null, a, b)
/** a != b as 1/0. @since 0.1.0 @category ops */
export const ne = (a: TensorLike, b: TensorLike): Tensor => binary("ne", null, a, b)
/** a < b as 1/0. @since 0.1.0 @category ops */
export const lt = (a: TensorLike, b: TensorLike): Tensor => binary("lt", null, a, b)
/** a <= b as 1/0. @since 0.1.0 @category ops */
export const le = (a: TensorLike, b: TensorLike): Tensor => binary("le", null, a, b)
/** a > b as 1/0. @since 0.1.0 @category ops */
export const gt = (a: TensorLike, b: TensorLike): Tensor => binary("gt", null, a, b)
/** a >= b as 1/0. @since 0.1.0 @category ops */
export const ge = (a: TensorLike, b: TensorLike): Tensor => binary("ge", null, a, b)

/** Ops that keep i32 as i32; the rest compute floats. */
const INTEGRAL: ReadonlySet<UnaryOp> = new Set(["neg", "abs", "square", "relu"])

/** Which tensor each unary gradient needs: the input or the output. */
const SAVES_OUTPUT: ReadonlySet<UnaryOp> = new Set(["exp", "sqrt", "rsqrt", "recip", "tanh", "sigmoid"])

const unary = (op: UnaryOp, x: Tensor): Tensor => {
  const dtype: DType = x.dtype === "i32" && !INTEGRAL.has(op) ? "f32" : x.dtype
  const out = alloc(x.backend, x.shape, dtype)
  run(x.backend, { kernel: "unary", op, x: x.view, out: out.view })
  return record(op, out, [x], op === "neg" ? [] : [SAVES_OUTPUT.has(op) ? out : x])
}

/** -x. @since 0.1.0 @category ops */
export const neg = (x: Tensor): Tensor => unary("neg", x)
/** |x|. @since 0.1.0 @category ops */
export const abs = (x: Tensor): Tensor => unary("abs", x)
/** e^x. @since 0.1.0 @category ops */
export const exp = (x: Tensor): Tensor => unary("exp", x)
/** ln x. @since 0.1.0 @category ops */
export const log = (x: Tensor): Tensor => unary("log", x)
/** √x. @since 0.1.0 @category ops */
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x)
/** 1/√x. @since 0.1.0 @category ops */
export const rsqrt = (x: Tensor): Tensor => unary("rsqrt", x)
/** 1/x. @since 0.1.0 @category ops */
export const recip = (x: Tensor): Tensor => unary("recip", x)
/** x². @since 0.1.0 @category ops */
export const square = (x: Tensor): Tensor => unary("square", x)
/** tanh x. @since 0.1.0 @category ops */
export const tanh = (x: Tensor): Tensor => unary("tanh", x)
/** 1/(1+e^-x). @since 0.1.0 @category ops */
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x)
/** x·sigmoid(x). @since 0.1.0 @category ops */
export const silu = (x: Tensor): Tensor => unary("silu", x)
/** max(x, 0). @since 0.1.0 @category ops */
export const relu = (x: Tensor): Tensor => unary("relu", x)
/** sin x. @since 0.1.0 @category ops */
export const sin = (x: Tensor): Tensor => unary("sin", x)
/** cos x. @since 0.1.0 @category ops */
export const cos = (x: Tensor): Tensor => unary("cos", x)

/**
 * cond ≠ 0 ? a : b, broadcasting all three. Differentiable in a and b.
 *
 * @since 0.1.0
 * @category ops
 */
export const where = (cond: Tensor, aIn: TensorLike, bIn: TensorLike): Tensor => {
  const [a, b, temps] = typeof aIn === "number" && typeof bIn === "number"
    ? (() => {
      const s1 = scalar(cond.backend, aIn, "f32")
      const s2 = scalar(cond.backend, bIn, "f32")
      return [s1, s2, [s1, s2]] as [Tensor, Tensor, Array<Tensor>]
    })()
    : toTensors(aIn, bIn)
  const backend = backendOf(cond, a, b)
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape)
  const out = alloc(backend, shape, promote(a.dtype, b.dtype))
  run(backend, {
    kernel: "where",
    cond: broadcastView(cond, shape),
    a: broadcastView(a, shape),
    b: broadcastView(b, shape),
    out: out.view
  })
  record("where", out, [null, a, b], [cond])
  for (const t of temps) t.dispose()
  return out
}

/**
 * min(max(x, lo), hi); the gradient passes where lo ≤ x ≤ hi.
 *
 * @since 0.1.0
 * @category ops
 */
export const clamp = (x: Tensor, lo: TensorLike, hi: TensorLike): Tensor => {
  const low = maximum(x, lo)
  const out = minimum(low, hi)
  low.dispose()
  return out
}
