/**
 * Which metric series a report charts, and their Vega-Lite specs.
 *
 * @since 0.1.0
 */

/**
 * A chart: the metric fields whose names match `fields`, over the `x` field.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChartSpec {
  readonly title: string
  readonly fields: RegExp
  readonly x: string
}

/**
 * The report's charts over training steps. Field names follow the trainer's metric keys
 * (packages/trainer README); a chart whose fields a run did not record says so instead.
 *
 * @since 0.1.0
 * @category constants
 */
export const DEFAULT_CHARTS: ReadonlyArray<ChartSpec> = [
  { title: "Reward per plugin (mean)", fields: /^reward\/[^/]+\/mean$/, x: "step" },
  { title: "KL to the reference", fields: /^kl$/, x: "step" },
  { title: "Completion length (tokens)", fields: /^completion_length\/(min|mean|max)$/, x: "step" },
  { title: "Fraction of zero-std groups", fields: /^zero_std_fraction$/, x: "step" },
  { title: "Resample attempts", fields: /^resample_attempts$/, x: "step" },
  { title: "Held-out Pass@1", fields: /^eval\/(drg|family|tier)\/pass1$/, x: "step" }
]

/**
 * Long-format points `{x, series, value}` of the fields a chart selects, per phase.
 *
 * @since 0.1.0
 * @category utils
 */
export const chartPoints = (
  chart: ChartSpec,
  metrics: ReadonlyArray<Readonly<Record<string, unknown>>>
): Array<{ x: number; series: string; value: number }> => {
  const points: Array<{ x: number; series: string; value: number }> = []
  for (const line of metrics) {
    const x = line[chart.x]
    if (typeof x !== "number") continue
    const phase = typeof line.phase === "string" ? line.phase : undefined
    for (const [key, value] of Object.entries(line)) {
      if (!chart.fields.test(key) || typeof value !== "number" || !Number.isFinite(value)) continue
      points.push({ x, series: phase === undefined || phase === "grpo" ? key : `${phase}: ${key}`, value })
    }
  }
  return points
}

/**
 * A Vega-Lite line chart of long-format points.
 *
 * @since 0.1.0
 * @category constructors
 */
export const lineChart = (title: string, xTitle: string, points: ReadonlyArray<unknown>): Record<string, unknown> => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title,
  width: 420,
  height: 200,
  data: { values: points },
  mark: { type: "line", point: points.length <= 60 },
  encoding: {
    x: { field: "x", type: "quantitative", title: xTitle },
    y: { field: "value", type: "quantitative", title: null, scale: valueScale(points) },
    color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom", columns: 2, labelLimit: 260 } }
  }
})

/**
 * The y scale: fitted to the data, except that a flat series (every value equal, e.g. no
 * resampling at all) gets a domain around its value, since a zero-width domain draws ticks
 * like 0.000000.
 */
const valueScale = (points: ReadonlyArray<unknown>): Record<string, unknown> => {
  const values = points.flatMap((p) => {
    const v = (p as { value?: unknown }).value
    return typeof v === "number" && Number.isFinite(v) ? [v] : []
  })
  if (values.length === 0 || values.some((v) => v !== values[0])) return { zero: false }
  const v = values[0]!
  const pad = Math.max(Math.abs(v) * 0.5, 1)
  return { domain: [v - pad, v + pad] }
}

/**
 * A Vega-Lite heat map of the family confusion (gold × predicted counts).
 *
 * @since 0.1.0
 * @category constructors
 */
export const confusionChart = (cells: ReadonlyArray<{ gold: string; predicted: string; count: number }>): Record<string, unknown> => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "Family confusion (gold × predicted)",
  data: { values: cells },
  width: { step: 22 },
  height: { step: 22 },
  layer: [
    {
      mark: "rect",
      encoding: {
        x: { field: "predicted", type: "nominal", title: "predicted family", axis: { labelLimit: 200, labelAngle: -40 } },
        y: { field: "gold", type: "nominal", title: "gold family", axis: { labelLimit: 220 } },
        color: { field: "count", type: "quantitative", scale: { scheme: "blues" }, title: "cases" }
      }
    },
    {
      mark: { type: "text", fontSize: 8 },
      encoding: {
        x: { field: "predicted", type: "nominal" },
        y: { field: "gold", type: "nominal" },
        text: { field: "count", type: "quantitative" }
      }
    }
  ]
})
