import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const fixture = join(import.meta.dirname, "fixtures/resumeRun.ts")
const roots: Array<string> = []
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })))

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "runtime-resume-"))
  roots.push(d)
  return d
}

const lines = (dir: string): Array<string> => {
  const file = join(dir, "metrics.jsonl")
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : []
}

/** The lines without wall-time fields (seconds, tokens/s): everything else must match exactly. */
const deterministic = (dir: string) =>
  lines(dir).map((l) => Object.fromEntries(Object.entries(JSON.parse(l) as Record<string, unknown>).filter(([k]) => k !== "seconds" && !k.startsWith("tokens_per_s"))))

/** Runs the tiny pipeline in a child process; `killWhen` SIGKILLs it once the metrics lines satisfy it. */
const runChild = (out: string, options: { readonly resume?: boolean; readonly staged?: boolean; readonly killWhen?: (lines: Array<string>) => boolean } = {}) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fixture, out, ...(options.staged ? ["staged"] : []), ...(options.resume ? ["--resume"] : [])], {
      stdio: ["ignore", "ignore", "pipe"],
      env: process.env
    })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += String(d)))
    const timer = options.killWhen === undefined ? undefined : setInterval(() => {
      if (options.killWhen!(lines(out))) child.kill("SIGKILL")
    }, 5)
    child.on("error", reject)
    child.on("exit", (code, signal) => {
      if (timer !== undefined) clearInterval(timer)
      if (code !== 0 && signal === null) reject(new Error(`resumeRun exited ${code}: ${stderr}`))
      else resolve({ code, signal })
    })
  })

describe("run.ts --resume", () => {
  it("a pipeline SIGKILLed mid-GRPO and resumed writes the same metrics lines and results as an uninterrupted run", async () => {
    const straight = tempDir()
    await runChild(straight)
    const expected = deterministic(straight)
    const sftLines = expected.filter((m) => m.phase === "sft").length
    expect(sftLines).toBeGreaterThan(2)
    expect(expected.filter((m) => m.phase === "grpo").map((m) => m.step)).toEqual([1, 2, 3, 4])

    const killed = tempDir()
    // Killed after GRPO step 2's line: inside step 3 or in step 2's checkpoint. Either way the
    // checkpoint it resumes from is part-way through a pass over the shuffled prompts.
    const first = await runChild(killed, { killWhen: (l) => l.length >= sftLines + 2 })
    expect(first.signal).toBe("SIGKILL")
    expect(lines(killed).length).toBeLessThan(expected.length) // it really was cut short
    expect(existsSync(join(killed, "results.json"))).toBe(false)
    const latest = JSON.parse(readFileSync(join(killed, "checkpoints/latest.json"), "utf8")) as { dir: string }
    expect(latest.dir).toMatch(/^stage2-grpo-00000[12]$/)

    await runChild(killed, { resume: true })
    // Exact equality: same seed, same arithmetic, weights, AdamW moments, data order and curriculum pool restored.
    expect(deterministic(killed)).toEqual(expected)
    const results = (dir: string) => {
      const { seconds: _, ...rest } = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as Record<string, unknown>
      return rest
    }
    // The evaluation of the SFT model (before GRPO) comes from the checkpoint; the GRPO one reruns on the resumed weights.
    expect(results(killed)).toEqual(results(straight))
    expect(readdirSync(join(killed, "checkpoints")).filter((e) => e.includes(".tmp-"))).toEqual([])
  }, 120_000)

  it("SIGKILLed inside a DPO stage, then right after a staged SFT phase, and resumed twice, a run still writes the uninterrupted lines", async () => {
    const phases = (dir: string) => deterministic(dir).map((m) => m.phase)
    const straight = tempDir()
    await runChild(straight, { staged: true })
    const expected = deterministic(straight)
    expect(new Set(expected.map((m) => m.phase))).toEqual(new Set(["sft", "dpo", "grpo", "staged-sft"]))
    const before = (phase: string) => expected.findIndex((m) => m.phase === phase)

    const killed = tempDir()
    // 1. Inside the DPO stage, after its second step's line.
    expect((await runChild(killed, { staged: true, killWhen: (l) => l.length >= before("dpo") + 2 })).signal).toBe("SIGKILL")
    expect(phases(killed)).not.toContain("grpo")
    // 2. Resumed mid-DPO (its pairs sampled again from its starting weights), then killed as the staged SFT phase writes.
    expect((await runChild(killed, { staged: true, resume: true, killWhen: (l) => l.some((x) => x.includes('"staged-sft"')) })).signal).toBe("SIGKILL")
    // The last checkpoint is GRPO step 2's, before the phase: the next resume redoes the phase.
    expect(JSON.parse(readFileSync(join(killed, "checkpoints/latest.json"), "utf8")).dir).toBe("stage3-grpo-000002")
    await runChild(killed, { staged: true, resume: true })
    expect(deterministic(killed)).toEqual(expected)
  }, 180_000)
})
