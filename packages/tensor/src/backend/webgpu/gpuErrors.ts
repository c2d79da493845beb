/**
 * Constructors for the typed errors this backend throws, so the mapping to the package's
 * error classes lives in one file.
 *
 * @since 0.1.0
 */
import { DeviceLost, InvalidKernelCall, OutOfMemory } from "../../errors.ts"

/** @since 0.1.0 @category errors */
export const deviceLost = (message: string): DeviceLost => new DeviceLost({ message })

/** @since 0.1.0 @category errors */
export const outOfMemory = (requestedBytes: number, message: string): OutOfMemory =>
  new OutOfMemory({ requestedBytes, message })

/** @since 0.1.0 @category errors */
export const invalidCall = (kernel: string, message: string): InvalidKernelCall =>
  new InvalidKernelCall({ kernel, message })
