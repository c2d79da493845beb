/**
 * A lost device as a typed outcome of a phase: the loop has written a checkpoint and
 * stopped; the run can resume from it on a fresh device.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The device was lost during `phase`; `stepsDone` steps were complete.
 *
 * @since 0.1.0
 * @category errors
 */
export class DeviceLostDuringRun extends Schema.TaggedError<DeviceLostDuringRun>()("DeviceLostDuringRun", {
  phase: Schema.String,
  stepsDone: Schema.Number,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `device lost during ${this.phase} after ${this.stepsDone} steps; a checkpoint was written, resume the run to continue`
  }
}

/**
 * Whether an error is, or was caused by, a lost device (the tensor package's `DeviceLost`,
 * an `EngineError` or trainer error wrapping one).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDeviceLoss = (error: unknown): boolean => {
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 8; depth++) {
    if ((e as { _tag?: unknown })._tag === "DeviceLost") return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
