/**
 * @sapphire-rl/tensor: tensors with autograd on WebGPU (Dawn) and a CPU reference backend.
 *
 * @since 0.1.0
 */
export type { Backend, BackendInfo, BufferHandle, MemoryStats } from "./backend/Backend.ts"
export { makeCpuBackend } from "./backend/cpu/index.ts"
export type { CpuBackendOptions } from "./backend/cpu/index.ts"
export { DTYPE_BYTES, KERNEL_NAMES } from "./backend/Kernel.ts"
export type { BinaryOp, DType, KernelCall, KernelName, ReduceOp, UnaryOp, View } from "./backend/Kernel.ts"
export { BackendUnavailable, DeviceLost, InvalidKernelCall, OutOfMemory } from "./errors.ts"
export type { BackendError } from "./errors.ts"
export { f16BitsToF32, f32ToF16Bits, fromF16Array, toF16Array } from "./f16.ts"
export { philox4x32 } from "./philox.ts"
