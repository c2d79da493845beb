/**
 * fill, copy, unary, binary and where: elementwise kernels over strided views.
 * Arithmetic runs in f32 (i32 operands convert; an i32-to-i32 copy stays exact).
 *
 * @since 0.1.0
 */
import type { BinaryOp, KernelCall, UnaryOp } from "../Kernel.ts"
import { type Operand, runElementwise } from "./elementwise.ts"
import { f32bits } from "./f32bits.ts"
import type { Runtime } from "./Runtime.ts"

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

/**
 * A call of one of the pointwise kernels (fill, copy, unary, binary, where).
 *
 * @since 0.1.0
 * @category models
 */
export type PointwiseCall = Call<"fill"> | Call<"copy"> | Call<"unary"> | Call<"binary"> | Call<"where">

/**
 * What a pointwise call computes, independent of how it is launched: its operands (the
 * written view last), scalar uniform words, and the WGSL statement for one element.
 * `body(names, off, scalar)` uses `names[v]` for operand v's binding, `off(v)` for its
 * element offset and `scalar(j)` for the uniform word index (a `u32` literal) of scalar j.
 * Shared by the one-kernel-per-call launcher and the fused groups.
 *
 * @since 0.1.0
 * @category models
 */
export interface PointwisePlan {
  readonly kernel: PointwiseCall["kernel"]
  /** Everything the body's code depends on besides binding dtypes. */
  readonly key: string
  readonly shape: ReadonlyArray<number>
  readonly operands: ReadonlyArray<Operand>
  readonly scalars: ReadonlyArray<number>
  readonly body: (names: ReadonlyArray<string>, off: (v: number) => string, scalar: (j: number) => string) => string
  readonly moduleCode: string
}

/**
 * The plan of a pointwise call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pointwisePlan = (c: PointwiseCall): PointwisePlan => {
  switch (c.kernel) {
    case "fill": {
      const isInt = c.out.dtype === "i32"
      return {
        kernel: "fill",
        key: c.out.dtype,
        shape: c.out.shape,
        operands: [{ view: c.out, write: true }],
        scalars: [isInt ? c.value | 0 : f32bits(c.value)],
        body: ([o], off, s) => (isInt ? `sti_${o}(${off(0)}, ui(${s(0)}));` : `st_${o}(${off(0)}, uf(${s(0)}));`),
        moduleCode: ""
      }
    }
    case "copy": {
      const exactInt = c.x.dtype === "i32" && c.out.dtype === "i32"
      return {
        kernel: "copy",
        key: `${c.x.dtype}>${c.out.dtype}`,
        shape: c.out.shape,
        operands: [{ view: c.x, write: false }, { view: c.out, write: true }],
        scalars: [],
        body: ([x, o], off) => (exactInt ? `sti_${o}(${off(1)}, ldi_${x}(${off(0)}));` : `st_${o}(${off(1)}, ld_${x}(${off(0)}));`),
        moduleCode: ""
      }
    }
    case "unary": {
      const f = UNARY[c.op]
      return {
        kernel: "unary",
        key: c.op,
        shape: c.out.shape,
        operands: [{ view: c.x, write: false }, { view: c.out, write: true }],
        scalars: [],
        body: ([x, o], off) => `st_${o}(${off(1)}, ${f(`ld_${x}(${off(0)})`)});`,
        moduleCode: ""
      }
    }
    case "binary": {
      const f = BINARY[c.op]
      return {
        kernel: "binary",
        key: c.op,
        shape: c.out.shape,
        operands: [{ view: c.a, write: false }, { view: c.b, write: false }, { view: c.out, write: true }],
        scalars: [],
        body: ([a, b, o], off) => `st_${o}(${off(2)}, ${f(`ld_${a}(${off(0)})`, `ld_${b}(${off(1)})`)});`,
        moduleCode: c.op === "pow" ? POW_FN : ""
      }
    }
    case "where":
      return {
        kernel: "where",
        key: "",
        shape: c.out.shape,
        operands: [
          { view: c.cond, write: false },
          { view: c.a, write: false },
          { view: c.b, write: false },
          { view: c.out, write: true }
        ],
        scalars: [],
        body: ([k, a, b, o], off) =>
          `st_${o}(${off(3)}, select(ld_${b}(${off(2)}), ld_${a}(${off(1)}), ld_${k}(${off(0)}) != 0.0));`,
        moduleCode: ""
      }
  }
}

/**
 * Runs a planned pointwise call as its own dispatch.
 *
 * @since 0.1.0
 * @category kernels
 */
export const runPlan = (rt: Runtime, p: PointwisePlan): void =>
  runElementwise(
    rt,
    p.kernel,
    p.key,
    p.shape,
    p.operands,
    p.scalars,
    (names) => p.body(names, (v) => `o${v}`, (j) => `${1 + j}u`),
    p.moduleCode
  )

/**
 * Runs a pointwise call as its own dispatch.
 *
 * @since 0.1.0
 * @category kernels
 */
export const pointwise = (rt: Runtime, c: PointwiseCall): void => runPlan(rt, pointwisePlan(c))
