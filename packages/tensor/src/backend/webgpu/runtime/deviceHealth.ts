/**
 * Whether the device can still take work: disposal, device loss, and errors the device
 * reports asynchronously (uncaptured validation errors, out-of-memory scopes), which
 * surface as typed errors at the next check or read-back.
 *
 * @since 0.1.0
 */
import { deviceLost, invalidCall } from "../gpuErrors.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface DeviceHealth {
  /** Throws if the backend is disposed or the device lost. */
  readonly check: () => void
  /** Records an error the device reported after the call that caused it returned. */
  readonly report: (error: Error) => void
  /** Throws the first reported error (and forgets the rest), if any. */
  readonly throwReported: () => void
  readonly disposed: () => boolean
  readonly markDisposed: () => void
}

/**
 * Watches `device` (its `lost` promise and uncaptured errors).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDeviceHealth = (device: GPUDevice): DeviceHealth => {
  let lost: string | undefined
  let disposed = false
  const reported: Array<Error> = []
  device.lost.then((info) => {
    if (!disposed) lost = `${info.reason}: ${info.message}`
  })
  device.onuncapturederror = (event) => {
    reported.push(invalidCall("webgpu", event.error.message))
  }
  return {
    check: () => {
      if (disposed) throw invalidCall("webgpu", "backend disposed")
      if (lost !== undefined) throw deviceLost(lost)
    },
    report: (error) => {
      reported.push(error)
    },
    throwReported: () => {
      const e = reported.shift()
      if (e !== undefined) {
        reported.length = 0
        throw e
      }
    },
    disposed: () => disposed,
    markDisposed: () => {
      disposed = true
    }
  }
}
