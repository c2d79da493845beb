import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")
const tsx = join(root, "node_modules", ".bin", "tsx")
const run = (...args: Array<string>) => spawnSync(tsx, ["run.ts", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } })
const scratch = mkdtempSync(join(tmpdir(), "sapphire-run-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe("run.ts: errors before any work", () => {
  it("rejects an unknown subcommand and an unknown preset with exit code 2", () => {
    const r = run("bogus")
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/unknown subcommand "bogus"/)
    const p = run("--preset", "huge")
    expect(p.status).toBe(2)
    expect(p.stderr).toMatch(/unknown preset "huge" \(quick, default or paper\)/)
  })
  it("lists the valid plugins for an unknown one, and writes no run directory", () => {
    const out = join(scratch, "unknown-plugin")
    const r = run("--plugins", "strict-rewrad,dapo-loss", "--out", out)
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/plugins\[0\]: unknown plugin "strict-rewrad"; valid short names: .*strict-reward \(reward\)/)
    expect(existsSync(out)).toBe(false)
  })
  it("names the field of a bad --set", () => {
    const r = run("--preset", "quick", "--set", "seed=1.5", "--out", join(scratch, "bad-set"))
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/seed: expected an integer, got 1\.5/)
  })
  it("says which data file is missing", () => {
    const r = run("--preset", "quick", "--data", join(scratch, "nope.csv"), "--out", join(scratch, "no-data"))
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(join(scratch, "nope.csv"))
  })
  it("refuses an unwritable --out before loading anything", () => {
    const parent = join(scratch, "readonly")
    mkdirSync(parent)
    writeFileSync(join(parent, "taken"), "a file, not a directory")
    chmodSync(parent, 0o500)
    const r = run("--preset", "quick", "--out", join(parent, "taken", "run"))
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/taken/)
    chmodSync(parent, 0o700)
  })
})

// The whole pipeline as `--preset quick` runs it (SFT → GRPO → eval, a few minutes), then the
// run directory's files, and the paper's effect at this size: GRPO raises held-out DRG Pass@1
// over its SFT start while Pass@8 does not rise. The run is seeded, so on this machine the
// numbers are the same every time (seed 0 here: 18.0 → 22.4, Pass@8 60.4 → 35.4).
describe("run.ts --preset quick", () => {
  it("writes config, metrics, samples, results and a report, prints the table, and GRPO beats its SFT start", async () => {
    const out = join(scratch, "quick")
    const child = spawn(tsx, ["run.ts", "--preset", "quick", "--backend", "cpu", "--out", out], { cwd: root })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += String(d)))
    child.stderr.on("data", (d) => (stderr += String(d)))
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve))
    expect(code, stderr.slice(-2000)).toBe(0)
    expect(stdout).toMatch(/DRG Pass@1\s+[\d.]+\s+[\d.]+/)
    for (const f of ["config.json", "metrics.jsonl", "samples.jsonl", "results.json", "report.html"]) expect(existsSync(join(out, f)), f).toBe(true)
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"))
    for (const model of ["sft", "grpo"]) {
      for (const target of ["drg", "family", "tier"]) {
        for (const k of ["pass1", "pass8", "maj8"]) {
          const v = results[model][target][k]
          expect(v >= 0 && v <= 1, `${model}.${target}.${k} = ${v}`).toBe(true)
        }
      }
      expect(results[model].invalid >= 0 && results[model].invalid <= 1).toBe(true)
    }
    expect(results.seconds).toBeGreaterThan(0)
    const lines = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    const grpo = lines.filter((l) => l.phase === "grpo")
    expect(grpo.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    for (const key of ["reward/total/mean", "reward/format-reward/mean", "reward/strict-reward/mean", "completion_length/mean", "zero_std_fraction", "kl", "tokens_per_s/generate"]) {
      expect(typeof grpo[0][key], key).toBe("number")
    }
    expect(lines.filter((l) => l.phase === "sft").length).toBeGreaterThan(0)
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/<svg /)
    // SFT taught the format and some of the task; GRPO sharpened it: Pass@1 up, Pass@8 not up.
    expect(results.sft.drg.pass1).toBeGreaterThan(0.05)
    expect(results.grpo.drg.pass1).toBeGreaterThan(results.sft.drg.pass1)
    expect(results.grpo.drg.pass8).toBeLessThanOrEqual(results.sft.drg.pass8)
  }, 900_000)
})
