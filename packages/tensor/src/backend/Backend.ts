/**
 * The backend interface: a small set of primitives (allocate, free, write, read,
 * dispatch) that the tensor front end drives. One implementation per file folder:
 * `cpu/` (the reference) and `webgpu/` (Dawn on Node, `navigator.gpu` on Deno).
 *
 * Work is enqueued by `dispatch` and runs in order; `read` is the only sync point that
 * waits for the device. Buffers are owned by the caller until `free`.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "./BufferHandle.ts"
import type { KernelCall } from "./Kernel.ts"

export type { BufferHandle } from "./BufferHandle.ts"

/**
 * What a backend reports about itself.
 *
 * @since 0.1.0
 * @category models
 */
export interface BackendInfo {
  readonly name: "cpu" | "webgpu"
  /** Human-readable adapter description, e.g. "llvmpipe (LLVM 19.1.7, 256 bits) / vulkan". */
  readonly adapter: string
  /** Whether f16 arithmetic runs natively (`shader-f16`); f16 storage works everywhere. */
  readonly nativeF16: boolean
  /** CPU backend: the GEMM its matmul and attention run on, and why it was chosen (one line). */
  readonly gemm?: string
  readonly limits: {
    readonly maxBufferSize: number
    readonly maxStorageBufferBindingSize: number
    readonly maxStorageBuffersPerShaderStage: number
  }
}

/**
 * Memory accounting, for leak tests and progress reports.
 *
 * @since 0.1.0
 * @category models
 */
export interface MemoryStats {
  /** Bytes in buffers handed out and not yet freed. */
  readonly liveBytes: number
  /** Bytes held by the pool for reuse (freed by the caller, kept by the backend). */
  readonly pooledBytes: number
  readonly liveBuffers: number
}

/**
 * A compute backend.
 *
 * @since 0.1.0
 * @category models
 */
export interface Backend {
  readonly info: BackendInfo
  /** A buffer of at least `byteLength` bytes; contents undefined. */
  readonly allocate: (byteLength: number) => BufferHandle
  /** Returns a buffer to the backend (its pool). Using it afterwards is a bug. */
  readonly free: (buffer: BufferHandle) => void
  /** Copies host data into a buffer at `byteOffset` (ordered after earlier dispatches). */
  readonly write: (buffer: BufferHandle, data: ArrayBufferView, byteOffset?: number) => void
  /** Enqueues a kernel. Throws a `BackendError`-tagged error for an invalid call. */
  readonly dispatch: (call: KernelCall) => void
  /** Submits enqueued work without waiting. */
  readonly flush: () => void
  /**
   * Waits for all enqueued work and returns a copy of the bytes (the sync point). Failures
   * (a freed buffer, a range outside it, a lost device) reject with a `BackendError`; it
   * never throws synchronously.
   */
  readonly read: (buffer: BufferHandle, byteOffset?: number, byteLength?: number) => Promise<ArrayBuffer>
  readonly memory: () => MemoryStats
  /** Releases every resource; the backend is unusable afterwards. */
  readonly dispose: () => void
}
