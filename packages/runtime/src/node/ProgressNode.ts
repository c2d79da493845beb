/**
 * Progress on a terminal (Node): cli-progress bars with rate and ETA on stderr; plain
 * periodic lines on stderr when it is not a TTY.
 *
 * @since 0.1.0
 */
import cliProgress from "cli-progress"
import { Effect, Layer } from "effect"
import { Progress, type ProgressStatus } from "../Progress.ts"

const statusText = (status: ProgressStatus | undefined): string =>
  status === undefined
    ? ""
    : Object.entries(status).map(([k, v]) => `${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(3) : v}`).join(" ")

/**
 * Bars (one per running task) drawn by cli-progress on stderr.
 *
 * @since 0.1.0
 * @category layers
 */
export const progressLayerTty: Layer.Layer<Progress> = Layer.effect(
  Progress,
  Effect.gen(function*() {
    const bars = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new cliProgress.MultiBar(
          {
            stream: process.stderr,
            format: "{label} [{bar}] {value}/{total} {unit} | {rate}/s | eta {eta_formatted} | {status}",
            hideCursor: true,
            clearOnComplete: false,
            stopOnComplete: false,
            etaBuffer: 20
          },
          cliProgress.Presets.shades_classic
        )
      ),
      (multi) => Effect.sync(() => multi.stop())
    )
    return Progress.of({
      task: (label, total, unit = "") =>
        Effect.gen(function*() {
          const started = Date.now()
          const bar = yield* Effect.acquireRelease(
            Effect.sync(() => bars.create(total, 0, { label: label.padEnd(6), unit, rate: "0", status: "" })),
            (b) => Effect.sync(() => b.stop())
          )
          let done = 0
          return {
            advance: (n = 1, status) =>
              Effect.sync(() => {
                done += n
                const elapsed = (Date.now() - started) / 1000
                bar.increment(n, { rate: elapsed > 0 ? (done / elapsed).toFixed(2) : "0", status: statusText(status) })
              })
          }
        })
    })
  })
)

/**
 * Bars on a terminal, plain lines (every 10 s) otherwise; both on stderr so stdout stays
 * for results.
 *
 * @since 0.1.0
 * @category layers
 */
export const progressLayerAuto = (options: { readonly everyMs?: number } = {}): Layer.Layer<Progress> =>
  process.stderr.isTTY === true
    ? progressLayerTty
    : Progress.layerPlain((line) => Effect.sync(() => void process.stderr.write(`${line}\n`)), options)
