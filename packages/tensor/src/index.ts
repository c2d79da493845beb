/**
 * @sapphire-rl/tensor: tensors with reverse-mode autograd on WebGPU (Dawn) and a CPU
 * reference backend.
 *
 * Tensors carry their backend; creation functions use the default backend
 * (`setDefaultBackend`, or the Effect layers in `TensorBackend`). Memory: `dispose()`
 * a tensor, or run a step inside `tidy(fn)`; autograd saves what it needs by reference
 * and releases it after `backward`.
 *
 * @since 0.1.0
 */
// Backend contract
export type { Backend, BackendInfo, BufferHandle, MemoryStats } from "./backend/Backend.ts"
export { makeCpuBackend } from "./backend/cpu/index.ts"
export type { CpuBackendOptions } from "./backend/cpu/index.ts"
export type { GemmProvider, SgemmCall } from "./backend/cpu/gemm/Gemm.ts"
export { GEMM_ENV, selectGemm } from "./backend/cpu/gemm/selectGemm.ts"
export type { GemmChoice, GemmSelection } from "./backend/cpu/gemm/selectGemm.ts"
export { DTYPE_BYTES, KERNEL_NAMES } from "./backend/Kernel.ts"
export type { BinaryOp, DType, KernelCall, KernelName, ReduceOp, UnaryOp, View } from "./backend/Kernel.ts"
export { BackendUnavailable, DeviceLost, InvalidKernelCall, OutOfMemory } from "./errors.ts"
export type { BackendError } from "./errors.ts"
export { f16BitsToF32, f32ToF16Bits, fromF16Array, toF16Array } from "./f16.ts"
export { philox4x32 } from "./philox.ts"

// Tensors
export { Tensor } from "./tensor/Tensor.ts"
export type { TensorLike } from "./tensor/Tensor.ts"
export { getDefaultBackend, setDefaultBackend, withBackend } from "./tensor/defaultBackend.ts"
export { arange, fromArray, full, ones, onesLike, rand, randn, zeros, zerosLike } from "./tensor/creation.ts"
export type { CreateOptions, RandomOptions } from "./tensor/creation.ts"
export { defaultRng, manualSeed, Rng } from "./tensor/Rng.ts"
export { scopeDepth, tidy } from "./tensor/scope.ts"
export { broadcastShapes, numel } from "./tensor/shape.ts"
export type { Shape } from "./tensor/shape.ts"
export { readTensor } from "./tensor/read.ts"

// Ops
export {
  abs,
  add,
  clamp,
  cos,
  div,
  eq,
  exp,
  ge,
  gt,
  le,
  log,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  recip,
  relu,
  rsqrt,
  sigmoid,
  silu,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  where
} from "./ops/elementwise.ts"
export { linear, matmul } from "./ops/matmul.ts"
export { type RopeKvWriteInput, ropeKvWrite } from "./ops/decode.ts"
export {
  addRmsnorm,
  attention,
  crossEntropy,
  embedding,
  logprobGather,
  logSoftmax,
  rmsnorm,
  rope,
  siluMul,
  softmax
} from "./ops/nn.ts"
export type { AttentionOptions } from "./ops/nn.ts"
export { argmax, max, mean, min, sum, sumToShape } from "./ops/reduce.ts"
export { assign, cast, clone, concat, contiguous, expand, permute, reshape, slice, squeeze, stack, transpose, unsqueeze } from "./ops/views.ts"
export type { SliceRange } from "./ops/views.ts"

// Autograd
export { backward } from "./autograd/backward.ts"
export type { BackwardOptions } from "./autograd/backward.ts"
export { enableGrad, isGradEnabled, noGrad } from "./autograd/mode.ts"
export { gradRules } from "./autograd/rules.ts"
export type { GradRule, OpName } from "./autograd/rules.ts"

// Optimizer
export { adamwStep, disposeAdamWState, gradSquaredNorm, makeAdamWState } from "./optim/adamw.ts"
export type { AdamWHyper, AdamWState } from "./optim/adamw.ts"

// Effect services
export { layerAuto, layerCpu, layerWebGpu, TensorBackend } from "./effect/TensorBackend.ts"
export { chooseBackend } from "./effect/chooseBackend.ts"
export type { AdapterSummary, BackendChoice } from "./effect/chooseBackend.ts"
