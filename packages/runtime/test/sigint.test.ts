import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const lines = (file: string): Array<string> =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : []

describe("Ctrl-C", () => {
  it("stops a running loop at the next step boundary and writes a checkpoint of the steps done", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sapphire-sigint-"))
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures/sigintLoop.ts"), dir], {
      cwd: join(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    const metrics = join(dir, "metrics.jsonl")
    // Wait (up to 30 s, start-up included) until a few steps are done, then press Ctrl-C.
    for (let waited = 0; lines(metrics).length < 3; waited += 50) {
      if (waited > 30_000) throw new Error(`no steps after 30 s: ${stderr}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    child.kill("SIGINT")
    const code = await exited
    expect(code, stderr).toBe(0)
    const written = lines(metrics).map((l) => JSON.parse(l) as { step: number })
    const checkpoint = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"))
    expect(checkpoint.reason).toBe("interrupted")
    // The checkpoint covers exactly the steps recorded: none lost, none half-done.
    expect(checkpoint.stepsDone).toBe(written.length)
    expect(written.map((m) => m.step)).toEqual(written.map((_, i) => i + 1))
    expect(JSON.parse(stdout)).toEqual({ _tag: "Interrupted", stepsDone: written.length })
    expect(stderr).toMatch(/stop requested \(Ctrl-C\)/)
  })
})
