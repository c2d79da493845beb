import { Terminal } from "@xterm/headless"
import { Effect, Logger } from "effect"
import { describe, expect, it } from "vitest"
import { plainLine, Progress } from "../src/index.ts"
import { makeTerminalBars, progressLayerTtyOn } from "../src/node/index.ts"

// What a person sees: the bytes written to a TTY replayed in a headless xterm, then its screen.
const fakeTty = (columns = 100) => {
  let written = ""
  const stream = { isTTY: true, columns, rows: 30, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream
  const screen = async (): Promise<Array<string>> => {
    const term = new Terminal({ cols: columns, rows: 30, allowProposedApi: true })
    await new Promise<void>((resolve) => term.write(written.replaceAll("\n", "\r\n"), resolve))
    const lines: Array<string> = []
    for (let y = 0; y < term.buffer.active.length; y++) lines.push(term.buffer.active.getLine(y)!.translateToString(true))
    while (lines.length > 0 && lines.at(-1) === "") lines.pop()
    term.dispose()
    return lines
  }
  return { stream, screen }
}

const clock = () => {
  let t = 0
  return { now: () => t, tick: (ms: number) => void (t += ms) }
}

const BAR = /[█░]/

describe("terminal bars (cli-progress) as a person sees them", () => {
  it("keeps log lines whole above the bar, with rate and ETA on it, and leaves a summary line when done", async () => {
    const { stream, screen } = fakeTty()
    const time = clock()
    const bars = makeTerminalBars(stream, { now: time.now })
    bars.write("[12:00:00] INFO: data: 352 cases\n")
    const sft = bars.start("sft", 4, "steps")
    time.tick(3000)
    sft.advance(1, { loss: 4.77 })
    time.tick(3000)
    sft.advance(1, { loss: 4.5 })
    // A line written in two pieces is held until it ends, never split by a redraw.
    bars.write("[12:00:06] INFO: check")
    bars.write("point written\n")
    let lines = await screen()
    expect(lines.slice(0, 2)).toEqual(["[12:00:00] INFO: data: 352 cases", "[12:00:06] INFO: checkpoint written"])
    expect(lines).toHaveLength(3)
    expect(lines[2]).toMatch(/^sft {7}█{12}░{12} 2\/4 steps {2}3\.0 s\/step {2}eta 6s \(6s so far\) {2}loss=4\.500$/)
    time.tick(6000)
    sft.advance(2, { loss: 4.1 })
    sft.finish()
    bars.write("[12:00:12] INFO: eval\n")
    bars.close()
    lines = await screen()
    expect(lines).toEqual([
      "[12:00:00] INFO: data: 352 cases",
      "[12:00:06] INFO: checkpoint written",
      plainLine("sft", 4, 4, "steps", 12, { loss: 4.1 }),
      "[12:00:12] INFO: eval"
    ])
    expect(lines[2]).toBe("sft 4/4 steps (100%)  3.0 s/step  done in 12s  loss=4.100")
  })

  it("stacks two running tasks, and removes only the finished one", async () => {
    const { stream, screen } = fakeTty()
    const time = clock()
    const bars = makeTerminalBars(stream, { now: time.now })
    const exitListeners = process.listenerCount("exit")
    const grpo = bars.start("grpo", 10, "steps")
    // While bars are up, an exit shows the cursor again.
    expect(process.listenerCount("exit")).toBe(exitListeners + 1)
    const evaluation = bars.start("eval sft", 32, "cases")
    time.tick(2000)
    evaluation.advance(16)
    grpo.advance(1)
    bars.write("a log line\n")
    let lines = await screen()
    expect(lines[0]).toBe("a log line")
    expect(lines[1]).toMatch(/^grpo .* 1\/10 steps {2}2\.0 s\/step {2}eta 18s/)
    expect(lines[2]).toMatch(/^eval sft .* 16\/32 cases {2}8\.00\/s {2}eta 2s/)
    expect(lines).toHaveLength(3)
    time.tick(2000)
    evaluation.advance(16)
    evaluation.finish()
    lines = await screen()
    expect(lines).toHaveLength(3)
    expect(lines[1]).toBe("eval sft 32/32 cases (100%)  8.00/s  done in 4s")
    expect(lines[2]).toMatch(/^grpo .* 1\/10 steps/)
    grpo.finish()
    bars.close()
    expect(process.listenerCount("exit")).toBe(exitListeners)
    lines = await screen()
    expect(lines.some((l) => BAR.test(l)), lines.join("\n")).toBe(false)
    // Stopped early (Ctrl-C): no ETA on the line it leaves.
    expect(lines.at(-1)).toBe("grpo 1/10 steps (10%)  4.0 s/step  stopped after 4s")
  })

  it("the layer sends Effect's log lines above the bars through the Console it provides", async () => {
    const { stream, screen } = fakeTty(120)
    const program = Effect.gen(function*() {
      const progress = yield* Progress
      yield* Effect.scoped(Effect.gen(function*() {
        const task = yield* progress.task("sft", 3, "steps")
        yield* task.advance(1, { loss: 2 })
        yield* Effect.logInfo("checkpoint: checkpoints/sft-1 (periodic)")
        yield* task.advance(2)
      }))
      yield* Effect.logInfo("after the task")
    })
    await Effect.runPromise(program.pipe(Effect.provide(progressLayerTtyOn(stream)), Effect.provideService(Logger.LogToStderr, true)))
    const lines = await screen()
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/INFO .*checkpoint: checkpoints\/sft-1 \(periodic\)$/)
    expect(lines[1]).toMatch(/^sft 3\/3 steps \(100%\) .* done in \d+s {2}loss=2$/)
    expect(lines[2]).toMatch(/INFO .*after the task$/)
  })
})

describe("plain progress lines", () => {
  it("show seconds per unit for slow tasks, units per second for fast ones, and the ETA from the mean rate", () => {
    expect(plainLine("grpo", 2, 20, "steps", 16.6, { kl: 0.0123 })).toBe("grpo 2/20 steps (10%)  8.3 s/step  eta 2m  kl=0.0123")
    expect(plainLine("eval sft", 64, 160, "cases", 16, {})).toBe("eval sft 64/160 cases (40%)  4.00/s  eta 24s")
    expect(plainLine("sft", 0, 10, "steps", 1, {})).toBe("sft 0/10 steps (0%)  –/s  eta ?")
  })
})
