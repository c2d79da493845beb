/**
 * Typed errors shared by every backend and the tensor front end.
 *
 * Backends throw these from plain (synchronous) code; the Effect layers surface them in
 * the error channel. Each carries a human-readable `message`.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * No backend of the requested kind can be created (no WebGPU adapter, no `navigator.gpu`).
 *
 * @since 0.1.0
 * @category errors
 */
export class BackendUnavailable extends Schema.TaggedError<BackendUnavailable>()("BackendUnavailable", {
  backend: Schema.String,
  message: Schema.String
}) {}

/**
 * The device was lost (driver reset, adapter removed); every buffer on it is gone.
 *
 * @since 0.1.0
 * @category errors
 */
export class DeviceLost extends Schema.TaggedError<DeviceLost>()("DeviceLost", {
  message: Schema.String
}) {}

/**
 * An allocation did not fit in device (or host) memory.
 *
 * @since 0.1.0
 * @category errors
 */
export class OutOfMemory extends Schema.TaggedError<OutOfMemory>()("OutOfMemory", {
  requestedBytes: Schema.Number,
  message: Schema.String
}) {}

/**
 * A kernel call that violates its contract in `Kernel.ts` (shapes, dtypes, contiguity).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidKernelCall extends Schema.TaggedError<InvalidKernelCall>()("InvalidKernelCall", {
  kernel: Schema.String,
  message: Schema.String
}) {}

/**
 * Any error a backend may raise.
 *
 * @since 0.1.0
 * @category errors
 */
export type BackendError = BackendUnavailable | DeviceLost | OutOfMemory | InvalidKernelCall
