/**
 * Kernel name → WebGPU implementation, one entry per kernel of `Kernel.ts` (the `Record`
 * type makes a missing kernel a type error).
 *
 * @since 0.1.0
 */
import type { KernelCall, KernelName } from "../Kernel.ts"
import { adamw } from "./adamw.ts"
import { attention } from "./attention/attention.ts"
import { attentionBackward } from "./attention/attentionBackward.ts"
import { embedding, embeddingBackward } from "./embedding.ts"
import type { KernelContext } from "./KernelContext.ts"
import { logprobGather, logprobGatherBackward } from "./logprob.ts"
import { matmul } from "./matmul.ts"
import { pointwise } from "./pointwise.ts"
import { random } from "./random.ts"
import { argmax, reduce } from "./reduce.ts"
import { addRmsnorm, rmsnorm, rmsnormBackward } from "./rmsnorm.ts"
import { rope } from "./rope.ts"
import { ropeKvWrite } from "./ropeKvWrite.ts"
import { scatterRows } from "./scatterRows.ts"
import { siluMul, siluMulBackward } from "./siluMul.ts"
import { softmax, softmaxBackward } from "./softmax.ts"

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
  addRmsnorm,
  siluMul,
  siluMulBackward,
  rope,
  ropeKvWrite,
  attention,
  attentionBackward,
  embedding,
  embeddingBackward,
  scatterRows,
  logprobGather,
  logprobGatherBackward,
  adamw,
  random
}
