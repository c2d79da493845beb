/**
 * Per-step metrics: one JSON object per optimizer step (`metrics.jsonl`), also published
 * as Effect `Metric` gauges (`sapphire_<name>`, tagged with the phase) so any Effect
 * metrics exporter sees them, and logged at debug level.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Metric } from "effect"

/**
 * One step's record: the phase, the step (1-based, as written), and numbers by name.
 *
 * @since 0.1.0
 * @category models
 */
export interface StepRecord {
  readonly phase: string
  readonly step: number
  readonly values: Readonly<Record<string, number>>
}

/**
 * The line written for a record: `{"phase","step",...values}` with values in the order given.
 *
 * @since 0.1.0
 * @category formatting
 */
export const stepLine = (record: StepRecord): string =>
  JSON.stringify({ phase: record.phase, step: record.step, ...record.values })

/**
 * Where step records go.
 *
 * @since 0.1.0
 * @category services
 */
export class MetricsLog extends Context.Service<MetricsLog, {
  readonly record: (record: StepRecord) => Effect.Effect<void>
  /** Lines written by this run so far (a checkpoint records it, so a resume can cut the file there). */
  readonly written: Effect.Effect<number>
}>()("@sapphire-rl/runtime/MetricsLog") {
  /**
   * Lines to `write` (a file appender in `node/`, an array in tests), plus gauges.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerWith = (write: (line: string) => Effect.Effect<void>, already = 0): Layer.Layer<MetricsLog> => {
    let written = already
    return Layer.succeed(MetricsLog, {
      written: Effect.sync(() => written),
      record: Effect.fn("MetricsLog.record")(function*(record: StepRecord) {
        yield* write(stepLine(record))
        written++
        for (const [name, value] of Object.entries(record.values)) {
          if (!Number.isFinite(value)) continue
          const gauge = Metric.gauge(`sapphire_${name.replace(/[^A-Za-z0-9_]/g, "_")}`)
          yield* Metric.update(Metric.withAttributes(gauge, { phase: record.phase }), value)
        }
        yield* Effect.logDebug(`${record.phase} step ${record.step}`, record.values)
      })
    })
  }

  /**
   * Keeps the lines in memory (tests, `report` previews).
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerMemory = (lines: Array<string>): Layer.Layer<MetricsLog> =>
    MetricsLog.layerWith((line) =>
      Effect.sync(() => {
        lines.push(line)
      })
    )
}
