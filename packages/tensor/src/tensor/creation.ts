/**
 * Creating tensors: from host arrays, constants, ranges and the seeded RNG.
 *
 * @since 0.1.0
 */
import type { Backend } from "../backend/Backend.ts"
import type { DType } from "../backend/Kernel.ts"
import { toF16Array } from "../f16.ts"
import { getDefaultBackend } from "./defaultBackend.ts"
import { defaultRng, type Rng } from "./Rng.ts"
import { numel, type Shape, showShape } from "./shape.ts"
import { Tensor } from "./Tensor.ts"

/** Where and how to create a tensor. @since 0.1.0 @category models */
export interface CreateOptions {
  readonly dtype?: DType
  readonly backend?: Backend
  /** Marks the new (leaf) tensor trainable. */
  readonly requiresGrad?: boolean
}

const finish = (t: Tensor, o: CreateOptions): Tensor => (o.requiresGrad === true ? t.setRequiresGrad(true) : t)

/**
 * A tensor holding `data` (row-major) with `shape` (default: 1-D). Typed arrays keep
 * their natural dtype unless `dtype` says otherwise (Int32Array → i32, else f32).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromArray = (data: ArrayLike<number>, shape?: Shape, options: CreateOptions = {}): Tensor => {
  const s = shape ?? [data.length]
  if (numel(s) !== data.length) throw new Error(`fromArray: ${data.length} values for shape ${showShape(s)}`)
  const dtype = options.dtype ?? (data instanceof Int32Array ? "i32" : "f32")
  const backend = options.backend ?? getDefaultBackend()
  const t = Tensor.empty(backend, s, dtype)
  const host = dtype === "f32"
    ? (data instanceof Float32Array ? data : Float32Array.from(data))
    : dtype === "i32"
    ? (data instanceof Int32Array ? data : Int32Array.from(data))
    : toF16Array(data)
  if (host.byteLength > 0) backend.write(t.storage.buffer, host)
  return finish(t, options)
}

/**
 * A tensor filled with `value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const full = (shape: Shape, value: number, options: CreateOptions = {}): Tensor => {
  const backend = options.backend ?? getDefaultBackend()
  const t = Tensor.empty(backend, shape, options.dtype ?? "f32")
  if (t.size > 0) backend.dispatch({ kernel: "fill", out: t.view, value })
  return finish(t, options)
}

/** Zeros. @since 0.1.0 @category constructors */
export const zeros = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 0, options)

/** Ones. @since 0.1.0 @category constructors */
export const ones = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 1, options)

/** Zeros shaped, typed and placed like `t`. @since 0.1.0 @category constructors */
export const zerosLike = (t: Tensor, dtype: DType = t.dtype): Tensor => full(t.shape, 0, { dtype, backend: t.backend })

/** Ones shaped, typed and placed like `t`. @since 0.1.0 @category constructors */
export const onesLike = (t: Tensor, dtype: DType = t.dtype): Tensor => full(t.shape, 1, { dtype, backend: t.backend })

/**
 * [start, start + step, …) below `stop` (i32 by default: indices and positions).
 *
 * @since 0.1.0
 * @category constructors
 */
export const arange = (start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor => {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop]
  const n = Math.max(0, Math.ceil((hi - lo) / step))
  const values = Array.from({ length: n }, (_, i) => lo + i * step)
  return fromArray(values, [n], { ...options, dtype: options.dtype ?? "i32" })
}

/** Options for random tensors. @since 0.1.0 @category models */
export interface RandomOptions extends CreateOptions {
  /** The stream to draw from (default: `defaultRng()`, seeded by `manualSeed`). */
  readonly rng?: Rng
}

const random = (distribution: "uniform" | "normal", shape: Shape, options: RandomOptions): Tensor => {
  const backend = options.backend ?? getDefaultBackend()
  const dtype = options.dtype ?? "f32"
  const rng = options.rng ?? defaultRng()
  const f = Tensor.empty(backend, shape, "f32")
  const counter = rng.take(f.size)
  if (f.size > 0) backend.dispatch({ kernel: "random", distribution, key: rng.key, counter, out: f.view })
  if (dtype === "f32") return finish(f, options)
  const t = Tensor.empty(backend, shape, dtype)
  backend.dispatch({ kernel: "copy", x: f.view, out: t.view })
  f.dispose()
  return finish(t, options)
}

/**
 * Uniform [0, 1) samples from the seeded Philox stream.
 *
 * @since 0.1.0
 * @category random
 */
export const rand = (shape: Shape, options: RandomOptions = {}): Tensor => random("uniform", shape, options)

/**
 * Standard normal samples from the seeded Philox stream.
 *
 * @since 0.1.0
 * @category random
 */
export const randn = (shape: Shape, options: RandomOptions = {}): Tensor => random("normal", shape, options)
