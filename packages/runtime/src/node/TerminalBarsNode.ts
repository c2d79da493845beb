/**
 * Progress bars at the bottom of a terminal (Node), drawn by cli-progress, with text written
 * above them: a log line never tears a bar, and a finished task leaves one summary line
 * (`sft 15/15 steps (100%)  2.9 s/step  done in 44s  loss=4.770`) instead of a bar.
 *
 * @since 0.1.0
 */
import cliProgress from "cli-progress"
import { durationText, etaText, type ProgressStatus, rateText, statusText, summaryLine } from "../Progress.ts"

/**
 * One bar.
 *
 * @since 0.1.0
 * @category models
 */
export interface TerminalBar {
  readonly advance: (n: number, status?: ProgressStatus) => void
  /** Removes the bar and prints the task's summary line above the others. */
  readonly finish: () => void
}

/**
 * The bars of a terminal and the text above them.
 *
 * @since 0.1.0
 * @category models
 */
export interface TerminalBars {
  readonly start: (label: string, total: number, unit: string) => TerminalBar
  /** Text above the bars; held until its line ends, so a bar never splits a line. */
  readonly write: (text: string) => void
  /** Prints what is held and removes every bar (the cursor comes back). */
  readonly close: () => void
}

interface Payload {
  readonly label: string
  readonly unit: string
  readonly started: number
  readonly status: string
}

/** Labels (`sft`, `eval grpo`) padded so the bars line up. */
const LABEL_WIDTH = 9

// Rate and ETA come from the task's mean rate so far, as in the plain lines, and are
// recomputed at every redraw, so the ETA counts down between slow steps.
const formatBar = (now: () => number) => (options: cliProgress.Options, params: cliProgress.Params, payload: Payload): string => {
  const seconds = (now() - payload.started) / 1000
  const done = params.value
  const bar = cliProgress.Format.BarFormat(params.progress, options)
  const count = `${done}/${params.total}${payload.unit === "" ? "" : ` ${payload.unit}`}`
  const eta = done >= params.total ? `${durationText(seconds)}` : `${etaText(done, params.total, seconds)} (${durationText(seconds)} so far)`
  return [`${payload.label.padEnd(LABEL_WIDTH)} ${bar} ${count}`, rateText(done, seconds, payload.unit), eta, payload.status].filter((s) => s !== "").join("  ")
}

/**
 * Bars on `stream` (a TTY). A cli-progress `MultiBar` lives while some task runs: text
 * written meanwhile goes through its log buffer and is drawn above the bars at once (the
 * training steps keep the event loop busy, so nothing waits for its redraw timer); with no
 * task running, text goes straight to the stream.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTerminalBars = (
  stream: NodeJS.WriteStream,
  options: { readonly now?: () => number } = {}
): TerminalBars => {
  const now = options.now ?? Date.now
  let multi: cliProgress.MultiBar | undefined
  let running = 0
  let held = ""
  const emit = (lines: string) => {
    if (multi === undefined) {
      stream.write(lines)
      return
    }
    multi.log(lines)
    multi.update()
  }
  // An exit while bars are up (a second Ctrl-C exits at once) must not leave the cursor hidden.
  const onExit = () => void stream.write("\x1B[?25h\n")
  const stop = () => {
    multi?.stop()
    multi = undefined
    process.off("exit", onExit)
  }
  const open = (): cliProgress.MultiBar => {
    if (multi === undefined) process.once("exit", onExit)
    multi ??= new cliProgress.MultiBar({
      stream,
      format: formatBar(now) as unknown as string,
      barsize: 24,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      // Bars are cut to the terminal's width by cli-progress; log lines wrap as usual.
      linewrap: true,
      // Every redraw rewrites the bars, also below a log line just printed over them.
      forceRedraw: true,
      clearOnComplete: true,
      stopOnComplete: false,
      // Ctrl-C is the run's (a graceful stop at the next step); the bars go with the scope.
      gracefulExit: false,
      fps: 4
    })
    return multi
  }
  return {
    write: (text) => {
      held += text
      const cut = held.lastIndexOf("\n")
      if (cut < 0) return
      const lines = held.slice(0, cut + 1)
      held = held.slice(cut + 1)
      emit(lines)
    },
    start: (label, total, unit) => {
      const bars = open()
      running++
      const started = now()
      let done = 0
      let status: ProgressStatus = {}
      const bar = bars.create(total, 0, { label, unit, started, status: "" } satisfies Payload)
      bars.update()
      let finished = false
      return {
        advance: (n, next) => {
          done += n
          if (next !== undefined) status = next
          bar.update(done, { status: statusText(status) })
          bars.update()
        },
        finish: () => {
          if (finished) return
          finished = true
          running--
          bars.remove(bar)
          if (done > 0 || total === 0) emit(`${summaryLine(label, done, total, unit, (now() - started) / 1000, status)}\n`)
          if (running === 0) stop()
        }
      }
    },
    close: () => {
      if (held !== "") emit(`${held}\n`)
      held = ""
      stop()
      running = 0
    }
  }
}
