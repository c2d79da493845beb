/**
 * The tensor: a strided view (dtype, shape, strides, offset) onto reference-counted
 * storage on a backend, plus its autograd state. Views share storage without copies;
 * a tensor's memory is released by `dispose()` (or by the enclosing `tidy`) once no
 * view or saved autograd handle needs it.
 *
 * Methods delegate to the functional ops in `src/ops/`; both spellings are public.
 *
 * @since 0.1.0
 */
import type { Backend } from "../backend/Backend.ts"
import { DTYPE_BYTES, type DType, type View } from "../backend/Kernel.ts"
import { backward as runBackward, type BackwardOptions } from "../autograd/backward.ts"
import type { Node } from "../autograd/Node.ts"
import * as E from "../ops/elementwise.ts"
import * as MM from "../ops/matmul.ts"
import * as NN from "../ops/nn.ts"
import * as R from "../ops/reduce.ts"
import * as V from "../ops/views.ts"
import { readTensor } from "./read.ts"
import { track } from "./scope.ts"
import { numel, rowMajorStrides, type Shape, showShape } from "./shape.ts"
import { Storage } from "./Storage.ts"

/** A number or a tensor, for binary ops. @since 0.1.0 @category models */
export type TensorLike = Tensor | number

/** @since 0.1.0 @category models */
export class Tensor {
  readonly storage: Storage
  readonly dtype: DType
  readonly shape: Shape
  readonly strides: ReadonlyArray<number>
  readonly offset: number
  /** Whether gradients flow to (leaf) or through (recorded result) this tensor. */
  requiresGrad = false
  /** The accumulated gradient of a leaf, after `backward`. Owned by the tensor. */
  grad: Tensor | null = null
  #node: Node | null = null
  #kept = false
  #disposed = false

  constructor(storage: Storage, dtype: DType, shape: Shape, strides: ReadonlyArray<number>, offset: number) {
    this.storage = storage
    this.dtype = dtype
    this.shape = shape
    this.strides = strides
    this.offset = offset
    storage.retain()
    track(this)
  }

  /** A new contiguous tensor with undefined contents. */
  static empty(backend: Backend, shape: Shape, dtype: DType): Tensor {
    const bytes = Math.max(1, numel(shape)) * DTYPE_BYTES[dtype]
    return new Tensor(new Storage(backend, backend.allocate(bytes)), dtype, [...shape], rowMajorStrides(shape), 0)
  }

  get backend(): Backend {
    return this.storage.backend
  }
  get rank(): number {
    return this.shape.length
  }
  /** Number of elements. */
  get size(): number {
    return numel(this.shape)
  }
  /** The recorded operation that produced this tensor (null for leaves and untracked results). */
  get node(): Node | null {
    return this.#node
  }
  /** Whether `tidy` scopes leave this tensor alone (see `keep`). */
  get kept(): boolean {
    return this.#kept
  }
  get isDisposed(): boolean {
    return this.#disposed
  }

  /** The kernel-level view of this tensor. Throws if disposed. */
  get view(): View {
    if (this.#disposed) throw new Error(`tensor ${showShape(this.shape)} ${this.dtype} used after dispose`)
    return { buffer: this.storage.buffer, dtype: this.dtype, shape: this.shape, strides: this.strides, offset: this.offset }
  }

  /** Attaches the node that produced this tensor (autograd internals). */
  attachNode(node: Node): void {
    this.#node = node
    this.requiresGrad = true
  }

  /** Exempts this tensor from every `tidy` scope; returns it. */
  keep(): this {
    this.#kept = true
    return this
  }

  /** Marks a leaf as trainable (or not); returns it. */
  setRequiresGrad(value = true): this {
    if (this.#node !== null) throw new Error("setRequiresGrad: only leaf tensors can change requiresGrad")
    this.requiresGrad = value
    return this
  }

  /** Another reference to the same storage, outside every scope (saved tensors, internals). */
  handle(): Tensor {
    const t = new Tensor(this.storage, this.dtype, this.shape, this.strides, this.offset)
    t.#kept = true
    return t
  }

  /** Releases this reference (and its gradient and graph); idempotent. */
  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    this.storage.release()
    this.grad?.dispose()
    this.grad = null
    const node = this.#node
    this.#node = null
    node?.release()
  }

  /** Disposes and clears `.grad`. */
  zeroGrad(): void {
    this.grad?.dispose()
    this.grad = null
  }

  /** Reverse-mode autodiff from this tensor (a scalar unless `grad` is given). */
  backward(grad?: Tensor, options?: BackwardOptions): void {
    runBackward(this, grad, options)
  }

  /** A tensor sharing storage with no graph (`requiresGrad` false). */
  detach(): Tensor {
    return new Tensor(this.storage, this.dtype, this.shape, this.strides, this.offset)
  }

  /** Reads all elements in row-major order (the sync point). i32 → Int32Array; f32/f16 → Float32Array. */
  toArray(): Promise<Float32Array | Int32Array> {
    return readTensor(this)
  }

  /** The single element of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: tensor has ${this.size} elements`)
    return (await readTensor(this))[0]!
  }

  toString(): string {
    return `Tensor(${showShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ", requiresGrad" : ""})`
  }

  // Elementwise
  add(b: TensorLike): Tensor {
    return E.add(this, b)
  }
  sub(b: TensorLike): Tensor {
    return E.sub(this, b)
  }
  mul(b: TensorLike): Tensor {
    return E.mul(this, b)
  }
  div(b: TensorLike): Tensor {
    return E.div(this, b)
  }
  pow(b: TensorLike): Tensor {
    return E.pow(this, b)
  }
  maximum(b: TensorLike): Tensor {
    return E.maximum(this, b)
  }
  minimum(b: TensorLike): Tensor {
    return E.minimum(this, b)
  }
  eq(b: TensorLike): Tensor {
    return E.eq(this, b)
  }
  ne(b: TensorLike): Tensor {
    return E.ne(this, b)
  }
  lt(b: TensorLike): Tensor {
    return E.lt(this, b)
  }
  le(b: TensorLike): Tensor {
    return E.le(this, b)
  }
  gt(b: TensorLike): Tensor {
    return E.gt(this, b)
  }
  ge(b: TensorLike): Tensor {
    return E.ge(this, b)
  }
  clamp(lo: TensorLike, hi: TensorLike): Tensor {
    return E.clamp(this, lo, hi)
  }
  neg(): Tensor {
    return E.neg(this)
  }
  abs(): Tensor {
    return E.abs(this)
  }
  exp(): Tensor {
    return E.exp(this)
  }
  log(): Tensor {
    return E.log(this)
  }
  sqrt(): Tensor {
    return E.sqrt(this)
  }
  rsqrt(): Tensor {
    return E.rsqrt(this)
  }
  recip(): Tensor {
    return E.recip(this)
  }
  square(): Tensor {
    return E.square(this)
  }
  tanh(): Tensor {
    return E.tanh(this)
  }
  sigmoid(): Tensor {
    return E.sigmoid(this)
  }
  silu(): Tensor {
    return E.silu(this)
  }
  relu(): Tensor {
    return E.relu(this)
  }
  sin(): Tensor {
    return E.sin(this)
  }
  cos(): Tensor {
    return E.cos(this)
  }

  // Reductions
  sum(axis?: number | ReadonlyArray<number>, keepdims = false): Tensor {
    return R.sum(this, axis, keepdims)
  }
  mean(axis?: number | ReadonlyArray<number>, keepdims = false): Tensor {
    return R.mean(this, axis, keepdims)
  }
  max(axis?: number, keepdims = false): Tensor {
    return R.max(this, axis, keepdims)
  }
  min(axis?: number, keepdims = false): Tensor {
    return R.min(this, axis, keepdims)
  }
  argmax(axis: number, keepdims = false): Tensor {
    return R.argmax(this, axis, keepdims)
  }

  // Linear algebra and NN
  matmul(b: Tensor): Tensor {
    return MM.matmul(this, b)
  }
  softmax(): Tensor {
    return NN.softmax(this)
  }
  logSoftmax(): Tensor {
    return NN.logSoftmax(this)
  }

  // Views and copies
  reshape(shape: Shape): Tensor {
    return V.reshape(this, shape)
  }
  permute(axes: ReadonlyArray<number>): Tensor {
    return V.permute(this, axes)
  }
  transpose(a = -2, b = -1): Tensor {
    return V.transpose(this, a, b)
  }
  slice(ranges: ReadonlyArray<V.SliceRange>): Tensor {
    return V.slice(this, ranges)
  }
  expand(shape: Shape): Tensor {
    return V.expand(this, shape)
  }
  unsqueeze(axis: number): Tensor {
    return V.unsqueeze(this, axis)
  }
  squeeze(axis?: number): Tensor {
    return V.squeeze(this, axis)
  }
  flatten(): Tensor {
    return V.reshape(this, [this.size])
  }
  contiguous(): Tensor {
    return V.contiguous(this)
  }
  clone(): Tensor {
    return V.clone(this)
  }
  cast(dtype: DType): Tensor {
    return V.cast(this, dtype)
  }
}
