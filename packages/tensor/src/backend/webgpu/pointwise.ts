/**
 * fill, copy, unary, binary and where: elementwise kernels over strided views.
 * Arithmetic runs in f32 (i32 operands convert; an i32-to-i32 copy stays exact).
 *
 * @since 0.1.0
 */
import type { BinaryOp, KernelCall, UnaryOp } from "../Kernel.ts"
import { runElementwise } from "./elementwise.ts"
import { f32bits, type Runtime } from "./Runtime.ts"

type Call<K extends KernelCall["kernel"]> = Extract<KernelCall, { kernel: K }>

const UNARY: Readonly<Record<UnaryOp, (x: string) => string>> = {
  neg: (x) => `-${x}`,
  abs: (x) => `abs(${x})`,
  exp: (x) => `exp(${x})`,
  log: (x) => `log(${x})`,
  sqrt: (x) => `sqrt(${x})`,
  rsqrt: (x) => `inverseSqrt(${x})`,
  recip: (x) => `1.0 / ${x}`,
  square: (x) => `${x} * ${x}`,
  // Clamped: tanh(±15) is ±1 in f32 and some drivers overflow exp inside tanh.
  tanh: (x) => `tanh(clamp(${x}, -15.0, 15.0))`,
  sigmoid: (x) => `1.0 / (1.0 + exp(-${x}))`,
  silu: (x) => `${x} / (1.0 + exp(-${x}))`,
  relu: (x) => `max(${x}, 0.0)`,
  sin: (x) => `sin(${x})`,
  cos: (x) => `cos(${x})`
}

const cmp = (op: string) => (a: string, b: string) => `select(0.0, 1.0, ${a} ${op} ${b})`

const BINARY: Readonly<Record<BinaryOp, (a: string, b: string) => string>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b) => `powSigned(${a}, ${b})`,
  max: (a, b) => `max(${a}, ${b})`,
  min: (a, b) => `min(${a}, ${b})`,
  eq: cmp("=="),
  ne: cmp("!="),
  lt: cmp("<"),
  le: cmp("<="),
  gt: cmp(">"),
  ge: cmp(">=")
}

/** WGSL pow is undefined for negative bases; match Math.pow for integral exponents and 0^0. */
const POW_FN = `
fn powSigned(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  let r = pow(abs(a), b);
  if (a >= 0.0) { return r; }
  var nanBits = 0x7fc00000u;
  if (b != floor(b)) { return bitcast<f32>(nanBits); }
  let odd = (abs(b) % 2.0) == 1.0;
  return select(r, -r, odd);
}`

/** @since 0.1.0 @category kernels */
export const fill = (rt: Runtime, c: Call<"fill">): void => {
  const isInt = c.out.dtype === "i32"
  runElementwise(
    rt,
    "fill",
    c.out.dtype,
    c.out.shape,
    [{ view: c.out, write: true }],
    [isInt ? c.value | 0 : f32bits(c.value)],
    ([o]) => (isInt ? `sti_${o}(o0, ui(1u));` : `st_${o}(o0, uf(1u));`)
  )
}

/** @since 0.1.0 @category kernels */
export const copy = (rt: Runtime, c: Call<"copy">): void => {
  const exactInt = c.x.dtype === "i32" && c.out.dtype === "i32"
  runElementwise(
    rt,
    "copy",
    `${c.x.dtype}>${c.out.dtype}`,
    c.out.shape,
    [{ view: c.x, write: false }, { view: c.out, write: true }],
    [],
    ([x, o]) => (exactInt ? `sti_${o}(o1, ldi_${x}(o0));` : `st_${o}(o1, ld_${x}(o0));`)
  )
}

/** @since 0.1.0 @category kernels */
export const unary = (rt: Runtime, c: Call<"unary">): void => {
  runElementwise(
    rt,
    "unary",
    c.op,
    c.out.shape,
    [{ view: c.x, write: false }, { view: c.out, write: true }],
    [],
    ([x, o]) => `st_${o}(o1, ${UNARY[c.op](`ld_${x}(o0)`)});`
  )
}

/** @since 0.1.0 @category kernels */
export const binary = (rt: Runtime, c: Call<"binary">): void => {
  runElementwise(
    rt,
    "binary",
    c.op,
    c.out.shape,
    [{ view: c.a, write: false }, { view: c.b, write: false }, { view: c.out, write: true }],
    [],
    ([a, b, o]) => `st_${o}(o2, ${BINARY[c.op](`ld_${a}(o0)`, `ld_${b}(o1)`)});`,
    c.op === "pow" ? POW_FN : ""
  )
}

/** @since 0.1.0 @category kernels */
export const where = (rt: Runtime, c: Call<"where">): void => {
  runElementwise(
    rt,
    "where",
    "",
    c.out.shape,
    [
      { view: c.cond, write: false },
      { view: c.a, write: false },
      { view: c.b, write: false },
      { view: c.out, write: true }
    ],
    [],
    ([k, a, b, o]) => `st_${o}(o3, select(ld_${b}(o2), ld_${a}(o1), ld_${k}(o0) != 0.0));`
  )
}
