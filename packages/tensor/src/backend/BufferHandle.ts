/**
 * The opaque device buffer handle, in a file of its own so that both the backend interface
 * (`Backend.ts`) and the kernel catalogue (`Kernel.ts`) can name it without importing each
 * other.
 *
 * @since 0.1.0
 */

/**
 * An opaque device buffer. Its `byteLength` is at least what was asked (pools round up).
 *
 * @since 0.1.0
 * @category models
 */
export interface BufferHandle {
  readonly id: number
  readonly byteLength: number
}
