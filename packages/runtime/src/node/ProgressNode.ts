/**
 * Progress on a terminal (Node): cli-progress bars with rate and ETA at the bottom of stderr,
 * with the run's log lines printed above them; plain periodic lines on stderr when it is not
 * a TTY (CI, pipes).
 *
 * @since 0.1.0
 */
import { Console as NodeConsole } from "node:console"
import { Writable } from "node:stream"
import { Console, Effect, Layer } from "effect"
import { Progress } from "../Progress.ts"
import { makeTerminalBars } from "./TerminalBarsNode.ts"

/**
 * Bars (one per running task) on a terminal stream, and the `Console` that Effect's loggers
 * write through (a log line goes above the bars instead of into one). A finished task leaves
 * its summary line; the bars are gone when the layer's scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const progressLayerTtyOn = (stream: NodeJS.WriteStream): Layer.Layer<Progress> =>
  Layer.unwrap(Effect.gen(function*() {
    const bars = yield* Effect.acquireRelease(Effect.sync(() => makeTerminalBars(stream)), (b) => Effect.sync(() => b.close()))
    const sink = new Writable({
      write: (chunk, _encoding, callback) => {
        bars.write(String(chunk))
        callback()
      }
    })
    const console = new NodeConsole({ stdout: sink, stderr: sink })
    const progress = Progress.of({
      task: (label, total, unit = "") =>
        Effect.map(
          Effect.acquireRelease(Effect.sync(() => bars.start(label, total, unit)), (bar) => Effect.sync(() => bar.finish())),
          (bar) => ({ advance: (n = 1, status) => Effect.sync(() => bar.advance(n, status)) })
        )
    })
    return Layer.mergeAll(Layer.succeed(Progress, progress), Layer.succeed(Console.Console, console))
  }))

/**
 * `progressLayerTtyOn(process.stderr)`.
 *
 * @since 0.1.0
 * @category layers
 */
export const progressLayerTty: Layer.Layer<Progress> = Layer.suspend(() => progressLayerTtyOn(process.stderr))

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
