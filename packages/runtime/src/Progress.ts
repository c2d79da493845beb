/**
 * Progress of long work (data generation, SFT and GRPO steps, evaluation), reported by the
 * pipeline and drawn by whichever layer the entry point provides: bars on a terminal
 * (`node/ProgressNode.ts`, cli-progress), plain periodic lines when the output is not a
 * terminal (CI, pipes), or nothing.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, type Scope } from "effect"

/**
 * Values shown next to a bar (`reward 0.41`, `loss 1.93`).
 *
 * @since 0.1.0
 * @category models
 */
export type ProgressStatus = Readonly<Record<string, string | number>>

/**
 * One task being reported.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProgressTask {
  /** `n` more units done (default 1), with the status to show. */
  readonly advance: (n?: number, status?: ProgressStatus) => Effect.Effect<void>
}

/**
 * The progress reporter.
 *
 * @since 0.1.0
 * @category services
 */
export class Progress extends Context.Service<Progress, {
  /** Starts a task of `total` units; it is finished when the scope closes. */
  readonly task: (label: string, total: number, unit?: string) => Effect.Effect<ProgressTask, never, Scope.Scope>
}>()("@sapphire-rl/runtime/Progress") {
  /**
   * Reports nothing.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerSilent: Layer.Layer<Progress> = Layer.succeed(Progress, {
    task: () => Effect.succeed({ advance: () => Effect.void })
  })

  /**
   * Plain lines (`sft  120/400 (30%)  5.1/s  eta 55s  loss=1.93`) through `write`, at most
   * one per `everyMs` per task, and always the first and the last.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerPlain = (
    write: (line: string) => Effect.Effect<void>,
    options: { readonly everyMs?: number; readonly now?: () => number } = {}
  ): Layer.Layer<Progress> =>
    Layer.succeed(Progress, {
      task: (label, total, unit = "") =>
        Effect.gen(function*() {
          const now = options.now ?? Date.now
          const every = options.everyMs ?? 10_000
          const started = now()
          let done = 0
          let lastPrinted = Number.NEGATIVE_INFINITY
          let lastStatus: ProgressStatus = {}
          const line = () => plainLine(label, done, total, unit, (now() - started) / 1000, lastStatus)
          yield* Effect.addFinalizer(() => (done === 0 && total > 0 ? Effect.void : write(summaryLine(label, done, total, unit, (now() - started) / 1000, lastStatus))))
          return {
            advance: (n = 1, status) =>
              Effect.suspend(() => {
                done += n
                if (status !== undefined) lastStatus = status
                const t = now()
                if (t - lastPrinted < every || done >= total) return Effect.void
                lastPrinted = t
                return write(line())
              })
          }
        })
    })
}

/**
 * A duration for a person: `42s`, `14m`, `1.5h`; `?` when unknown.
 *
 * @since 0.1.0
 * @category formatting
 */
export const durationText = (s: number): string =>
  !Number.isFinite(s) ? "?" : s < 90 ? `${Math.round(s)}s` : s < 5400 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`

/**
 * The rate of a task: `4.52/s` when units come faster than one a second, else the seconds
 * per unit (`8.3 s/step`), which reads better for slow steps.
 *
 * @since 0.1.0
 * @category formatting
 */
export const rateText = (done: number, elapsedSeconds: number, unit: string): string => {
  if (done <= 0 || elapsedSeconds <= 0) return "–/s"
  const rate = done / elapsedSeconds
  if (rate >= 1) return `${rate.toFixed(rate < 10 ? 2 : 1)}/s`
  const each = elapsedSeconds / done
  return `${each.toFixed(each < 10 ? 1 : 0)} s/${unit === "" ? "unit" : unit.replace(/s$/, "")}`
}

/**
 * `eta 55s` from the mean rate so far (`eta ?` before the first unit), or `done in 3m`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const etaText = (done: number, total: number, elapsedSeconds: number): string =>
  done >= total
    ? `done in ${durationText(elapsedSeconds)}`
    : `eta ${durationText(done > 0 && elapsedSeconds > 0 ? ((total - done) * elapsedSeconds) / done : Number.NaN)}`

/**
 * The values shown next to a task: `loss=1.93  kl=0.0123`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const statusText = (status: ProgressStatus): string =>
  Object.entries(status).map(([k, v]) => `${k}=${typeof v === "number" ? formatNumber(v) : v}`).join("  ")

/**
 * A plain progress line.
 *
 * @since 0.1.0
 * @category formatting
 */
export const plainLine = (
  label: string,
  done: number,
  total: number,
  unit: string,
  elapsedSeconds: number,
  status: ProgressStatus
): string => {
  const percent = total > 0 ? Math.floor((100 * done) / total) : 100
  const extra = statusText(status)
  return [`${label} ${done}/${total}${unit === "" ? "" : ` ${unit}`} (${percent}%)`, rateText(done, elapsedSeconds, unit), etaText(done, total, elapsedSeconds), ...(extra === "" ? [] : [extra])]
    .join("  ")
}

/**
 * The line a task leaves when it ends: its plain line, or for a task stopped early (Ctrl-C,
 * an error) `stopped after 22s` in place of the ETA.
 *
 * @since 0.1.0
 * @category formatting
 */
export const summaryLine = (
  label: string,
  done: number,
  total: number,
  unit: string,
  elapsedSeconds: number,
  status: ProgressStatus
): string =>
  done >= total
    ? plainLine(label, done, total, unit, elapsedSeconds, status)
    : plainLine(label, done, total, unit, elapsedSeconds, status).replace(etaText(done, total, elapsedSeconds), `stopped after ${durationText(elapsedSeconds)}`)

const formatNumber = (v: number): string =>
  Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3)
