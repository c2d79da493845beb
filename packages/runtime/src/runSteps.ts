/**
 * The step loop of a training phase: runs steps, records each step's metrics, reports
 * progress, writes periodic checkpoints, stops at a step boundary when a stop is requested
 * (with a checkpoint), and turns a lost device into a checkpoint and a typed
 * `DeviceLostDuringRun` instead of a crash.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { DeviceLostDuringRun, isDeviceLoss } from "./DeviceLoss.ts"
import { MetricsLog } from "./MetricsLog.ts"
import { Progress, type ProgressStatus } from "./Progress.ts"
import { StopSignal } from "./StopSignal.ts"

/**
 * Why a checkpoint is written.
 *
 * @since 0.1.0
 * @category models
 */
export type CheckpointReason = "periodic" | "interrupted" | "device-lost" | "final"

/**
 * How a phase ended.
 *
 * @since 0.1.0
 * @category models
 */
export type PhaseOutcome =
  | { readonly _tag: "Completed"; readonly stepsDone: number }
  | { readonly _tag: "Interrupted"; readonly stepsDone: number }

/**
 * What the loop runs.
 *
 * @since 0.1.0
 * @category models
 */
export interface StepLoop<E, R, E2, R2> {
  readonly phase: string
  /** Steps already done (a resumed run starts there). */
  readonly start: number
  readonly total: number
  /** Runs step `index` (0-based) and returns its metrics. */
  readonly step: (index: number) => Effect.Effect<Readonly<Record<string, number>>, E, R>
  /** Saves the state after `stepsDone` steps. */
  readonly checkpoint: (stepsDone: number, reason: CheckpointReason) => Effect.Effect<void, E2, R2>
  /** Periodic checkpoints every N steps (0: none). */
  readonly checkpointEvery: number
  /** Metric names shown next to the progress bar. */
  readonly show?: ReadonlyArray<string>
}

/**
 * One turn of the event loop. A CPU training step computes without waiting on anything, so
 * without this a phase would hold off signal handlers (Ctrl-C reached the loop only after
 * the phase's last step) and timers (progress redraws) until it ends.
 */
const eventLoopTurn = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))

/**
 * Runs the loop.
 *
 * @since 0.1.0
 * @category loops
 */
export const runSteps = Effect.fn("runSteps")(function*<E, R, E2, R2>(loop: StepLoop<E, R, E2, R2>) {
  const stop = yield* StopSignal
  const metrics = yield* MetricsLog
  const progress = yield* Progress
  return yield* Effect.scoped(Effect.gen(function*() {
    const task = yield* progress.task(loop.phase, loop.total, "steps")
    if (loop.start > 0) yield* task.advance(loop.start)
    let done = loop.start
    while (done < loop.total) {
      yield* eventLoopTurn
      if (yield* stop.requested) {
        yield* loop.checkpoint(done, "interrupted")
        yield* Effect.logInfo(`${loop.phase}: stopped after ${done} of ${loop.total} steps; checkpoint written`)
        return { _tag: "Interrupted", stepsDone: done } satisfies PhaseOutcome as PhaseOutcome
      }
      const result = yield* Effect.result(loop.step(done))
      if (result._tag === "Failure") {
        if (isDeviceLoss(result.failure)) {
          yield* loop.checkpoint(done, "device-lost")
          return yield* new DeviceLostDuringRun({ phase: loop.phase, stepsDone: done, cause: result.failure })
        }
        return yield* Effect.fail(result.failure)
      }
      done++
      yield* metrics.record({ phase: loop.phase, step: done, values: result.success })
      const status: Record<string, number> = {}
      for (const name of loop.show ?? []) {
        const v = result.success[name]
        if (v !== undefined) status[name] = v
      }
      yield* task.advance(1, status as ProgressStatus)
      if (loop.checkpointEvery > 0 && done % loop.checkpointEvery === 0 && done < loop.total) {
        yield* loop.checkpoint(done, "periodic")
      }
    }
    yield* loop.checkpoint(done, "final")
    return { _tag: "Completed", stepsDone: done } satisfies PhaseOutcome as PhaseOutcome
  }))
})
