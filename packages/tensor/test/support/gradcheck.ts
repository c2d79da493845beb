/**
 * Finite-difference gradient checks: an op on CPU f32 tensors with autograd versus central
 * differences of an independent float64 re-implementation of its forward.
 */
import { expect } from "vitest"
import type { DType } from "../../src/backend/Kernel.ts"
import { fromArray, getDefaultBackend, mul, sum, type Tensor, tidy } from "../../src/index.ts"
import { rowMajorStrides } from "../../src/tensor/shape.ts"
import { numericGradient } from "./reference.ts"
import { closeness, randomArray } from "./views.ts"

export interface Input {
  readonly values: ReadonlyArray<number>
  readonly shape: ReadonlyArray<number>
  readonly dtype?: DType
  /** Whether to check this input's gradient (default true; i32 inputs never). */
  readonly grad?: boolean
}

export interface GradCheck {
  readonly inputs: ReadonlyArray<Input>
  readonly forward: (ts: ReadonlyArray<Tensor>) => Tensor
  /** Float64 forward on row-major arrays, returning the output row-major. */
  readonly reference: (xs: ReadonlyArray<Array<number>>) => ReadonlyArray<number>
  /** Forward tolerance (abs and rel), default 1e-5. */
  readonly forwardTol?: number
  /** Gradient tolerance (abs and rel), default 1e-3. */
  readonly gradTol?: number
  readonly seed?: number
  readonly h?: number
}

const dot = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) => a.reduce((s, x, i) => s + x * b[i]!, 0)

/**
 * Runs the check: forward values, then d(sum(out · R))/d(input) for a fixed random R,
 * and finally that every buffer the check made was released.
 */
export const gradCheck = async (c: GradCheck): Promise<void> => {
  const backend = getDefaultBackend()
  const before = backend.memory().liveBytes
  const ts = c.inputs.map((inp) =>
    fromArray(inp.values, inp.shape, {
      dtype: inp.dtype ?? "f32",
      requiresGrad: inp.dtype !== "i32" && inp.grad !== false
    })
  )
  const out = tidy(() => c.forward(ts))
  const want = c.reference(c.inputs.map((i) => [...i.values]))
  const got = Array.from(await out.toArray())
  const ftol = c.forwardTol ?? 1e-5
  expect(closeness(got, want, ftol, ftol), "forward").toBeLessThanOrEqual(1)
  const R = randomArray(out.size, c.seed ?? 999)
  const loss = tidy(() => sum(mul(out, fromArray(R, out.shape))))
  loss.backward()
  const gtol = c.gradTol ?? 1e-3
  for (let i = 0; i < c.inputs.length; i++) {
    const inp = c.inputs[i]!
    if (inp.dtype === "i32" || inp.grad === false) continue
    const numeric = numericGradient(
      (x) => dot(c.reference(c.inputs.map((v, j) => (j === i ? x : [...v.values]))), R),
      inp.values,
      c.h ?? 1e-5
    )
    const g = ts[i]!.grad
    expect(g, `input ${i} has a gradient`).not.toBeNull()
    expect(g!.shape).toEqual(inp.shape)
    expect(closeness(Array.from(await g!.toArray()), numeric, gtol, gtol), `gradient of input ${i}`).toBeLessThanOrEqual(1)
  }
  loss.dispose()
  out.dispose()
  for (const t of ts) t.dispose()
  expect(backend.memory().liveBytes, "buffers released").toBe(before)
}

/** Broadcasts a row-major array of `shape` to `target` (NumPy rules). */
export const broadcastTo = (x: ReadonlyArray<number>, shape: ReadonlyArray<number>, target: ReadonlyArray<number>): Array<number> => {
  const n = target.reduce((a, b) => a * b, 1)
  const ts = rowMajorStrides(target)
  const xs = rowMajorStrides(shape)
  const lead = target.length - shape.length
  const out = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    let off = 0
    for (let d = 0; d < target.length; d++) {
      const idx = Math.floor(i / ts[d]!) % target[d]!
      const sd = d - lead
      if (sd >= 0 && shape[sd] !== 1) off += idx * xs[sd]!
    }
    out[i] = x[off]!
  }
  return out
}

/** Applies f elementwise to arrays broadcast to a common shape. */
export const zipBroadcast = (
  a: ReadonlyArray<number>,
  as: ReadonlyArray<number>,
  b: ReadonlyArray<number>,
  bs: ReadonlyArray<number>,
  out: ReadonlyArray<number>,
  f: (x: number, y: number) => number
): Array<number> => {
  const A = broadcastTo(a, as, out)
  const B = broadcastTo(b, bs, out)
  return A.map((x, i) => f(x, B[i]!))
}

/** Generic reduction of a row-major array over a set of axes (keepdims layout flattened). */
export const reduceRef = (
  x: ReadonlyArray<number>,
  shape: ReadonlyArray<number>,
  axes: ReadonlyArray<number>,
  f: (items: Array<number>) => number
): Array<number> => {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d))
  const groups = new Map<number, Array<number>>()
  const st = rowMajorStrides(shape)
  const os = rowMajorStrides(outShape)
  for (let i = 0; i < x.length; i++) {
    let o = 0
    for (let d = 0; d < shape.length; d++) {
      const idx = Math.floor(i / st[d]!) % shape[d]!
      if (!axes.includes(d)) o += idx * os[d]!
    }
    const g = groups.get(o) ?? []
    g.push(x[i]!)
    groups.set(o, g)
  }
  const n = outShape.reduce((a, b) => a * b, 1)
  return Array.from({ length: n }, (_, o) => f(groups.get(o)!))
}

/** Permutes a row-major array. */
export const permuteRef = (x: ReadonlyArray<number>, shape: ReadonlyArray<number>, axes: ReadonlyArray<number>): Array<number> => {
  const outShape = axes.map((a) => shape[a]!)
  const st = rowMajorStrides(shape)
  const os = rowMajorStrides(outShape)
  const out = new Array<number>(x.length)
  for (let i = 0; i < x.length; i++) {
    let off = 0
    for (let d = 0; d < outShape.length; d++) off += (Math.floor(i / os[d]!) % outShape[d]!) * st[axes[d]!]!
    out[i] = x[off]!
  }
  return out
}
