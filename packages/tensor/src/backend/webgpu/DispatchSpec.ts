/**
 * What a kernel hands the runtime to launch: the shader source (by pipeline key), the
 * buffers it binds and its uniform words.
 *
 * @since 0.1.0
 */
import type { BufferHandle } from "../BufferHandle.ts"
import type { DType } from "../Kernel.ts"
import { UNIFORM_WORDS } from "./wgslHeader.ts"

/**
 * One buffer a kernel binds; the same (buffer, dtype) bound twice shares one binding,
 * read-write if either use writes (WebGPU forbids aliasing a writable binding).
 *
 * @since 0.1.0
 * @category models
 */
export interface Binding {
  readonly buffer: BufferHandle
  readonly dtype: DType
  readonly write: boolean
  readonly vec4?: boolean
}

/**
 * A kernel launch. `source(names)` returns the WGSL after the prelude, using `names[i]`
 * for logical binding i; it is called once per pipeline key.
 *
 * @since 0.1.0
 * @category models
 */
export interface DispatchSpec {
  readonly kernel: string
  /** Everything the generated source depends on besides the binding layout. */
  readonly key: string
  readonly source: (names: ReadonlyArray<string>) => string
  readonly bindings: ReadonlyArray<Binding>
  /** At most `uniformWords` 32-bit words (reinterpret floats with `f32bits`). */
  readonly uniforms: ArrayLike<number>
  /** Size of the uniform block: UNIFORM_WORDS (default) or a multiple of it up to
   * MAX_UNIFORM_WORDS (fused groups carry many views' shapes and strides). */
  readonly uniformWords?: number
  /** Pipelines of generated kernels with open-ended keys (fused groups) live in a capped
   * cache instead of the permanent one. */
  readonly transient?: boolean
  /** Workgroups; a count above 65535 is spread over a 2-D grid (kernels use `linearIndex`). */
  readonly groups: number | readonly [number, number, number]
}

/**
 * Largest uniform block a dispatch may ask for (within the default 64 KiB binding limit).
 *
 * @since 0.1.0
 * @category constants
 */
export const MAX_UNIFORM_WORDS = UNIFORM_WORDS * 8
