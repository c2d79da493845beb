/**
 * What every WebGPU kernel implementation receives: the runtime and the per-adapter choices.
 * Kept apart from `kernelTable.ts` so the kernels do not import the table that imports them.
 *
 * @since 0.1.0
 */
import type { Runtime } from "./Runtime.ts"

/**
 * Matmul strategy: `register` (8×8 per-thread register tiles read straight from storage;
 * the default on CPU rasterizers such as llvmpipe), `wide` (opt-in, experimental: 16×32
 * tiles where M ≥ 16 and N ≥ 32, else 8×8; on llvmpipe not yet reliably faster than
 * `register` and ~16-20 s to compile per shader, see benchmarks/RESULTS.md) or `tiled`
 * (shared-memory tiles; real GPUs).
 *
 * @since 0.1.0
 * @category models
 */
export type MatmulVariant = "register" | "wide" | "tiled"

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
  /** Storage buffers one shader may bind. */
  readonly maxStorageBuffers: number
}
