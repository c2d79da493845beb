/**
 * A reference-counted device buffer shared by a tensor and all its views.
 *
 * @since 0.1.0
 */
import type { Backend, BufferHandle } from "../backend/Backend.ts"

/**
 * Storage frees its buffer when the last tensor (or saved autograd handle) lets go.
 *
 * @since 0.1.0
 * @category models
 */
export class Storage {
  readonly backend: Backend
  readonly buffer: BufferHandle
  #refs = 0

  constructor(backend: Backend, buffer: BufferHandle) {
    this.backend = backend
    this.buffer = buffer
  }

  /** Number of live references. */
  get refs(): number {
    return this.#refs
  }

  retain(): void {
    this.#refs++
  }

  release(): void {
    if (--this.#refs === 0) this.backend.free(this.buffer)
  }
}
