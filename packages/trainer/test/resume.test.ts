import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const fixture = join(import.meta.dirname, "fixtures/resumeLoop.ts")
const STEPS = 8
const roots: Array<string> = []
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })))

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "trainer-resume-"))
  roots.push(d)
  return d
}

/** Runs the loop; with `killAtLine`, SIGKILLs it once metrics.jsonl has that many lines. */
const runLoop = (dir: string, killAtLine?: number, killInSave?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", fixture, dir, String(STEPS)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SAPPHIRE_CPU_GEMM: "js", ...(killInSave === undefined ? {} : { RESUME_LOOP_KILL_IN_SAVE: killInSave }) }
    })
    let stderr = ""
    child.stderr.on("data", (d) => (stderr += String(d)))
    let timer: NodeJS.Timeout | undefined
    if (killAtLine !== undefined) {
      timer = setInterval(() => {
        const file = join(dir, "metrics.jsonl")
        if (!existsSync(file)) return
        const lines = readFileSync(file, "utf8").split("\n").filter((l) => l !== "").length
        // Mid-step: the line of step k is written before its checkpoint and before step k+1 runs.
        if (lines >= killAtLine) child.kill("SIGKILL")
      }, 5)
    }
    child.on("error", reject)
    child.on("exit", (code, signal) => {
      if (timer !== undefined) clearInterval(timer)
      if (code !== 0 && signal === null) reject(new Error(`resumeLoop exited ${code}: ${stderr}`))
      else resolve({ code, signal })
    })
  })

const withoutWallTime = (dir: string) =>
  readFileSync(join(dir, "metrics.jsonl"), "utf8").split("\n").filter((l) => l !== "").map((l) => {
    const { seconds: _, ...rest } = JSON.parse(l) as Record<string, number>
    return rest
  })

describe("checkpoints", () => {
  it("a run killed with SIGKILL mid-run and resumed writes the same metrics lines as an uninterrupted run", async () => {
    const straight = tempDir()
    await runLoop(straight)
    const expected = withoutWallTime(straight)
    expect(expected).toHaveLength(STEPS)

    const killed = tempDir()
    const first = await runLoop(killed, 3)
    expect(first.signal).toBe("SIGKILL")
    const partial = withoutWallTime(killed).length
    expect(partial).toBeLessThan(STEPS) // it really was cut short
    await runLoop(killed)
    // Exact equality: same seed, same arithmetic, state restored bit for bit.
    expect(withoutWallTime(killed)).toEqual(expected)
    expect(readdirSync(join(killed, "checkpoints")).filter((e) => e.includes(".tmp-"))).toEqual([])
    const latest = JSON.parse(readFileSync(join(killed, "checkpoints/latest.json"), "utf8")) as { dir: string }
    expect(latest.dir).toBe(`mixed-${String(STEPS).padStart(6, "0")}`)
    expect(existsSync(join(killed, "checkpoints", latest.dir, "model.safetensors"))).toBe(true)
  }, 120_000)

  it("a run SIGKILLed inside a checkpoint save (after its directory is renamed, before latest.json) resumes to the same metrics lines", async () => {
    const straight = tempDir()
    await runLoop(straight)
    const killed = tempDir()
    const first = await runLoop(killed, undefined, "4:renamed")
    expect(first.signal).toBe("SIGKILL")
    // The crash left a complete-looking mixed-000004 that latest.json does not name.
    expect(JSON.parse(readFileSync(join(killed, "checkpoints/latest.json"), "utf8")).dir).toBe("mixed-000003")
    expect(existsSync(join(killed, "checkpoints/mixed-000004"))).toBe(true)
    expect(withoutWallTime(killed)).toHaveLength(4) // step 3's line was written before its save
    await runLoop(killed)
    expect(withoutWallTime(killed)).toEqual(withoutWallTime(straight))
  }, 120_000)
})
