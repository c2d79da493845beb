/**
 * Kernel name → WebGPU implementation, one entry per kernel of `Kernel.ts` (the `Record`
 * type makes a missing kernel a type error).
 *
 * @since 0.1.0
 */
import type { KernelCall, KernelName } from "../Kernel.ts"
import { adamw } from "./adamw.ts"
import { attention, attentionBackward } from "./attention.ts"
import { embedding, embeddingBackward } from "./embedding.ts"
import { logprobGather, logprobGatherBackward } from "./logprob.ts"
import { matmul } from "./matmul.ts"
import { pointwise } from "./pointwise.ts"
import { random } from "./random.ts"
import { argmax, reduce } from "./reduce.ts"
import { rmsnorm, rmsnormBackward } from "./rmsnorm.ts"
import { rope } from "./rope.ts"
import type { Runtime } from "./Runtime.ts"
import { softmax, softmaxBackward } from "./softmax.ts"

/**
 * Matmul strategy: `register` (large per-thread register tiles read straight from storage;
 * best on CPU rasterizers such as llvmpipe) or `tiled` (shared-memory tiles; real GPUs).
 *
 * @since 0.1.0
 * @category models
 */
export type MatmulVariant = "register" | "tiled"

/**
 * What every kernel implementation gets.
 *
 * @since 0.1.0
 * @category models
 */
export interface KernelContext {
  readonly rt: Runtime
  readonly matmul: MatmulVariant
  /** A CPU rasterizer (llvmpipe…): prefer barrier-free kernels. */
  readonly software: boolean
  /** Attention forward: one thread per query row reading K/V from storage (`thread`, CPU
   * rasterizers) or 64-row workgroups sharing K/V tiles in workgroup memory (`tiled`). */
  readonly attention: "thread" | "tiled"
  readonly maxWorkgroupStorage: number
  /** Bytes one storage binding may cover, and the binding offset alignment. */
  readonly maxBinding: number
  readonly align: number
}

type Impl<K extends KernelName> = (ctx: KernelContext, call: Extract<KernelCall, { kernel: K }>) => void

/**
 * The implementations.
 *
 * @since 0.1.0
 * @category kernels
 */
export const kernelTable: { readonly [K in KernelName]: Impl<K> } = {
  fill: (ctx, c) => pointwise(ctx.rt, c),
  copy: (ctx, c) => pointwise(ctx.rt, c),
  unary: (ctx, c) => pointwise(ctx.rt, c),
  binary: (ctx, c) => pointwise(ctx.rt, c),
  where: (ctx, c) => pointwise(ctx.rt, c),
  reduce,
  argmax,
  matmul,
  softmax,
  softmaxBackward,
  rmsnorm,
  rmsnormBackward,
  rope,
  attention,
  attentionBackward,
  embedding,
  embeddingBackward,
  logprobGather,
  logprobGatherBackward,
  adamw,
  random
}
