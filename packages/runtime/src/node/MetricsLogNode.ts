/**
 * `metrics.jsonl` on disk (Node).
 *
 * @since 0.1.0
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { Effect, Layer } from "effect"
import { MetricsLog } from "../MetricsLog.ts"

/**
 * Appends one line per step to `file`. A resumed run passes `keepLines`, the number of
 * lines the checkpoint it resumes from had seen: lines written after that checkpoint (by
 * the steps being redone) are dropped first, so the file ends as an uninterrupted run's would.
 *
 * @since 0.1.0
 * @category layers
 */
export const metricsLogFile = (file: string, options: { readonly keepLines?: number } = {}): Layer.Layer<MetricsLog> =>
  Layer.unwrap(Effect.sync(() => {
    mkdirSync(dirname(file), { recursive: true })
    let kept = 0
    if (options.keepLines === undefined || !existsSync(file)) writeFileSync(file, "")
    else {
      const lines = readFileSync(file, "utf8").split("\n").filter((l) => l !== "").slice(0, options.keepLines)
      writeFileSync(file, lines.map((l) => `${l}\n`).join(""))
      kept = lines.length
    }
    return MetricsLog.layerWith((line) => Effect.sync(() => appendFileSync(file, `${line}\n`)), kept)
  }))
