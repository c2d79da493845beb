import { spawn, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")
const tsx = join(root, "node_modules", ".bin", "tsx")
const env = { ...process.env, NO_COLOR: "1" }
const runSync = (...args: Array<string>) => spawnSync(tsx, ["run.ts", ...args], { cwd: root, encoding: "utf8", env })
const runAsync = (...args: Array<string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(tsx, ["run.ts", ...args], { cwd: root, env })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += String(d)))
    child.stderr.on("data", (d) => (stderr += String(d)))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
const scratch = mkdtempSync(join(tmpdir(), "sapphire-eval-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const readJsonl = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))
const csvField = (s: string) => `"${s.replaceAll("\"", "\"\"")}"`

describe("run.ts eval: errors before any work", () => {
  it("needs --from and --data, and a positive integer --samples", () => {
    expect(runSync("eval", "--data", "x.jsonl").stderr).toMatch(/eval needs --from RUN_DIR/)
    expect(runSync("eval", "--from", scratch).stderr).toMatch(/eval needs --data FILE/)
    for (const bad of ["0", "-2", "1.5", "eight"]) {
      const r = runSync("eval", "--from", scratch, "--data", "x.jsonl", `--samples=${bad}`)
      expect(r.status, bad).toBe(2)
      expect(r.stderr).toContain(`eval --samples: expected a positive integer, got "${bad}"`)
    }
    const f = runSync("eval", "--from", scratch, "--data", "x.jsonl", "--format", "csv")
    expect(f.status).toBe(2)
    expect(f.stderr).toContain(`eval --format: expected drg-llama, sapphire or jsonl, got "csv"`)
    const b = runSync("eval", "--from", scratch, "--data", "x.jsonl", "--backend", "gpu")
    expect(b.status).toBe(2)
    expect(b.stderr).toMatch(/--backend: expected auto, webgpu or cpu, got "gpu"/)
  }, 240_000) // eight sequential run.ts processes, each paying Node + tsx start-up (~15 s apiece at load 7)
  it("names a missing run directory, and one with no checkpoint", () => {
    const missing = join(scratch, "no-such-run")
    const r = runSync("eval", "--from", missing, "--data", "x.jsonl")
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`${missing}: no such run directory`)
    const empty = join(scratch, "no-checkpoint")
    mkdirSync(empty)
    writeFileSync(join(empty, "config.json"), "{}")
    const e = runSync("eval", "--from", empty, "--data", "x.jsonl")
    expect(e.status).toBe(1)
    expect(e.stderr).toContain(`${empty}: no checkpoint (checkpoints/latest.json is missing`)
  }, 120_000)
})

// A tiny run (the quick preset shrunk with --set, as in run.test.ts), then its final checkpoint
// evaluated on files written here: the run's own held-out cases, as JSONL and as DRG-LLaMA CSV.
describe("run.ts eval on a tiny run", () => {
  const run = join(scratch, "run")
  let heldOut: Array<Record<string, unknown>> = []
  let runSamples: Array<{ exampleId: string; source: string; completion: string }> = []
  beforeAll(async () => {
    const r = await runAsync("--preset", "quick", "--backend", "cpu", "--out", run,
      "--set", "data.n=300", "--set", "grpo.steps=1", "--set", "grpo.promptsPerStep=2", "--set", "grpo.maxNewTokens=32",
      "--set", "eval.limit=6", "--set", "eval.samples=2", "--set", "eval.maxNewTokens=32")
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    // The same synthetic cases the run drew (its data settings), to find its held-out ones by id.
    const all = join(scratch, "all.jsonl")
    const synth = spawnSync(join(root, "node_modules", ".bin", "sapphire-data"),
      ["synth", "--n", "300", "--seed", "0", "--mix", "natural", "--length", "short", "--difficulty", "easy=1,medium=2,hard=0", "--out", all],
      { cwd: root, encoding: "utf8", env })
    expect(synth.status, synth.stderr).toBe(0)
    const byId = new Map(readJsonl(all).map((c) => [c.id as string, c]))
    runSamples = readJsonl(join(run, "samples.jsonl"))
    // With eval.limit 6 the run's evaluation shows every case it evaluated, in order.
    heldOut = runSamples.filter((s) => s.source === "grpo").map((s) => byId.get(s.exampleId)!)
    expect(heldOut.length).toBe(6)
    expect(heldOut.every((c) => c !== undefined)).toBe(true)
    writeFileSync(join(scratch, "held-out.jsonl"), heldOut.map((c) => `${JSON.stringify(c)}\n`).join(""))
  }, 120_000)

  it("evaluates the final checkpoint on a JSONL file: the run's own completions for the same cases", async () => {
    const file = join(scratch, "held-out.jsonl")
    const out = join(scratch, "eval-jsonl")
    const r = await runAsync("eval", "--from", run, "--data", file, "--out", out, "--backend", "cpu")
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    expect(r.stdout).toMatch(/checkpoints\/stage2-grpo-000001 on 6 cases/)
    expect(r.stdout).toMatch(/DRG Pass@2\s+[\d.]+/)
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"))
    for (const target of ["drg", "family", "tier"]) {
      for (const k of ["pass1", "pass8", "maj8"]) {
        const v = results.eval[target][k]
        expect(v >= 0 && v <= 1, `${target}.${k} = ${v}`).toBe(true)
      }
    }
    expect(results.eval.invalid >= 0 && results.eval.invalid <= 1).toBe(true)
    expect(results.config).toMatchObject({ from: run, checkpoint: "checkpoints/stage2-grpo-000001", preset: "drg-mini", seed: 0, data: file, budget: "eval 2 samples on 6 cases" })
    expect(results.seconds).toBeGreaterThan(0)
    // The run's samples (eval settings and seed from its config.json, the same batch of cases)
    // come back exactly: the checkpoint's weights are the ones evaluated, not a fresh init.
    const samples = readJsonl(join(out, "samples.jsonl"))
    expect(samples.map((s) => s.exampleId)).toEqual(heldOut.map((c) => c.id))
    expect(samples.every((s) => s.source === "stage2-grpo-000001")).toBe(true)
    expect(samples.map((s) => s.completion)).toEqual(runSamples.filter((s) => s.source === "grpo").map((s) => s.completion))
  }, 60_000)

  it("reads DRG-LLaMA CSV the same way, and defaults --out into the run directory", async () => {
    const file = join(scratch, "held-out.csv")
    writeFileSync(file, `hadm_id,text,drg_34_code,label\n${heldOut.map((c, i) => `${csvField(c.id as string)},${csvField(c.text as string)},${c.drg},${i}`).join("\n")}\n`)
    const r = await runAsync("eval", "--from", run, "--data", file, "--samples", "3", "--backend", "cpu")
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    const out = join(run, "eval-held-out")
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8"))
    expect(results.config.budget).toBe("eval 3 samples on 6 cases")
    expect(Object.keys(results.eval).sort()).toEqual(["drg", "family", "invalid", "tier"])
    expect(readJsonl(join(out, "samples.jsonl")).map((s) => s.exampleId)).toEqual(heldOut.map((c) => c.id))
  }, 60_000)

  it("names the file, row and field of a bad row, and refuses an unwritable --out", async () => {
    // JSONL under a name that says nothing of its format: read as JSONL only with --format.
    const file = join(scratch, "bad.txt")
    writeFileSync(file, `${JSON.stringify(heldOut[0])}\n${JSON.stringify({ ...heldOut[1], drg: "not a number" })}\n`)
    const r = await runAsync("eval", "--from", run, "--data", file, "--format", "jsonl", "--out", join(scratch, "eval-bad"))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`${file.replaceAll(".", "\\.")}: row 2 .*drg`))
    const guessed = await runAsync("eval", "--from", run, "--data", file, "--out", join(scratch, "eval-bad"))
    expect(guessed.code).toBe(1)
    // Without it the name says CSV, and the JSON line is not CSV.
    expect(guessed.stderr).toMatch(/bad\.txt: row 0 .*expected well-formed RFC 4180 CSV/)
    const missing = join(scratch, "nope.csv")
    const m = await runAsync("eval", "--from", run, "--data", missing, "--out", join(scratch, "eval-missing"))
    expect(m.code).toBe(1)
    expect(m.stderr).toContain(missing)
    // A path through a file cannot be created, whoever runs the test (root ignores modes).
    const taken = join(scratch, "taken")
    writeFileSync(taken, "a file, not a directory")
    // The bad file too: the output directory is checked before the data is read.
    const u = await runAsync("eval", "--from", run, "--data", file, "--out", join(taken, "out"))
    expect(u.code).toBe(1)
    expect(u.stderr).toContain(`cannot write ${join(taken, "out")}`)
  }, 60_000)
})
