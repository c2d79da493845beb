import { afterAll, describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const root = new URL("../../../", import.meta.url).pathname
const bin = join(root, "node_modules/.bin/sapphire-data")
const env = { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env["PATH"] ?? ""}` }
const cli = (args: ReadonlyArray<string>) => spawnSync(bin, args, { env, encoding: "utf8", cwd: root })
const dir = mkdtempSync(join(tmpdir(), "sapphire-data-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("sapphire-data CLI", () => {
  it("synth writes one record per line, byte-identical for the same arguments", () => {
    const a = join(dir, "a.jsonl"), b = join(dir, "b.jsonl"), c = join(dir, "c.jsonl")
    for (const [out, seed] of [[a, "7"], [b, "7"], [c, "8"]] as const) {
      const r = cli(["synth", "--n", "300", "--seed", seed, "--out", out])
      expect(r.status, r.stderr).toBe(0)
    }
    const text = readFileSync(a, "utf8")
    expect(readFileSync(b, "utf8")).toBe(text)
    expect(readFileSync(c, "utf8")).not.toBe(text)
    const lines = text.trimEnd().split("\n")
    expect(lines).toHaveLength(300)
    // poaN (hospital-acquired secondary codes) appears only on the records that have one.
    expect(Object.keys(JSON.parse(lines[0]!)).filter((k) => k !== "poaN")).toEqual(["id", "text", "pdx", "sdx", "procedures", "age", "sex", "dischargeStatus", "drg", "title", "family", "tier", "difficulty"])
  })

  it("stats prints DRG, family, tier and difficulty histograms that add up", () => {
    const file = join(dir, "s.jsonl")
    expect(cli(["synth", "--n", "200", "--seed", "3", "--out", file]).status).toBe(0)
    const r = cli(["stats", file])
    expect(r.status, r.stderr).toBe(0)
    for (const h of ["DRG", "family", "tier", "difficulty"]) expect(r.stdout).toMatch(new RegExp(`^${h} \\(\\d+ distinct\\)$`, "m"))
    const difficulty = r.stdout.split("difficulty (")[1]!
    const counts = [...difficulty.matchAll(/^\s+(\d+)\s+[\d.]+%\s+(easy|medium|hard)$/gm)].map((m) => Number(m[1]))
    expect(counts.reduce((s, n) => s + n, 0)).toBe(200)
  })

  it("split and sft write their files", () => {
    const file = join(dir, "p.jsonl")
    expect(cli(["synth", "--n", "200", "--seed", "4", "--out", file]).status).toBe(0)
    const r = cli(["split", file, "--out-dir", join(dir, "parts"), "--test", "0.2", "--seed", "1"])
    expect(r.status, r.stderr).toBe(0)
    const count = (name: string) => readFileSync(join(dir, "parts", `${name}.jsonl`), "utf8").split("\n").filter(Boolean).length
    expect(count("train") + count("test")).toBe(200)
    const sft = cli(["sft", join(dir, "parts", "test.jsonl"), "--out", join(dir, "sft.jsonl"), "--style", "answer-first", "--corpus"])
    expect(sft.status, sft.stderr).toBe(0)
    expect(readFileSync(join(dir, "sft.jsonl"), "utf8").split("\n").filter(Boolean).length).toBe(count("test") + 28)
    const rl = cli(["prompts", join(dir, "parts", "grpo.jsonl"), "--out", join(dir, "rl.jsonl")])
    expect(rl.status, rl.stderr).toBe(0)
    const first = JSON.parse(readFileSync(join(dir, "rl.jsonl"), "utf8").split("\n")[0]!)
    const source = JSON.parse(readFileSync(join(dir, "parts", "grpo.jsonl"), "utf8").split("\n")[0]!)
    expect(first.answer).toBe(source.title)
    expect(first.messages[1].content).toContain(`***${source.text}***.`)
  })

  it("split drops records whose text repeats an earlier one, says how many, and rejects a seed it cannot use", () => {
    const file = join(dir, "dup.jsonl")
    expect(cli(["synth", "--n", "60", "--seed", "9", "--out", file]).status).toBe(0)
    const lines = readFileSync(file, "utf8").trim().split("\n")
    const copy = { ...JSON.parse(lines[0]!), id: "copy-of-first" }
    const copy2 = { ...JSON.parse(lines[1]!), id: "copy-of-second", drg: 999 }
    writeFileSync(file, [...lines, JSON.stringify(copy), JSON.stringify(copy2)].join("\n") + "\n")
    const distinct = new Set(lines.map((l) => JSON.parse(l).text)).size
    const r = cli(["split", file, "--out-dir", join(dir, "dup-parts"), "--test", "0.5", "--seed", "2", "--min-class", "1"])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain(`split: ${lines.length + 2 - distinct} record(s) with a duplicate text dropped before splitting (1 with a different DRG than the copy kept)`)
    const texts = (name: string) => readFileSync(join(dir, "dup-parts", `${name}.jsonl`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).text as string)
    const train = new Set(texts("train"))
    expect(texts("test").filter((t) => train.has(t))).toEqual([])
    expect(train.size + texts("test").length).toBe(distinct)
    for (const bad of ["-1", "9007199254740992"]) {
      const s = cli(["synth", "--n", "1", `--seed=${bad}`])
      expect(s.status).not.toBe(0)
      expect(s.stderr).toMatch(/--seed must be an integer in \[0, 2\^53 - 1\]/)
    }
  })

  it("check re-groups records and flags a tampered label", () => {
    const file = join(dir, "k.jsonl")
    expect(cli(["synth", "--n", "50", "--seed", "5", "--out", file]).status).toBe(0)
    const ok = cli(["check", file])
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toContain("check: 50 records re-grouped, 0 mismatches")
    const lines = readFileSync(file, "utf8").trimEnd().split("\n")
    const first = JSON.parse(lines[0]!)
    const other = first.drg === 871 ? 872 : 871
    lines[0] = JSON.stringify({ ...first, drg: other })
    const tampered = join(dir, "t.jsonl")
    writeFileSync(tampered, lines.join("\n") + "\n")
    const bad = cli(["check", tampered])
    expect(bad.status).toBe(1)
    expect(bad.stdout).toContain(`${first.id}: recorded ${other}, groups to ${first.drg}`)
  })

  it("fails with a clear message on bad arguments and bad input rows", () => {
    const r = cli(["synth", "--n", "ten", "--seed", "1"])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--n must be an integer, got "ten"')
    const bad = join(dir, "bad.csv")
    writeFileSync(bad, "hadm_id,text,drg_34_code,label\n1,note,871,1\n2,note,abc,1\n")
    const s = cli(["stats", bad])
    expect(s.status).toBe(2)
    expect(s.stderr).toContain(`${bad}: row 2 (line 3), column drg_34_code: expected an integer, found "abc"`)
  })

  it("prints the usage for --help after any command", () => {
    const r = cli(["synth", "--help"])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^usage:\n  sapphire-data synth --n N --seed S/)
  })

  it("reports an unknown option and all-zero difficulty weights as usage errors, and an unwritable --out without crashing", () => {
    const unknown = cli(["stats", "--bogus", "x"])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain("sapphire-data: Unknown option '--bogus'")
    const zero = cli(["synth", "--n", "2", "--seed", "1", "--difficulty", "easy=0,medium=0,hard=0"])
    expect(zero.status).toBe(2)
    expect(zero.stderr).toContain("sapphire-data: --difficulty: the difficulty weights need at least one positive weight")
    const out = join(dir, "missing", "x.jsonl")
    const unwritable = cli(["synth", "--n", "3", "--seed", "1", "--out", out])
    expect(unwritable.status).toBe(1)
    expect(unwritable.stderr).toContain(`sapphire-data: ENOENT: no such file or directory, open '${out}'`)
    expect(unwritable.stderr).not.toContain("Unhandled 'error' event")
  })

  it("synth stops quietly when the reader of stdout closes the pipe early", () => {
    const r = spawnSync("bash", ["-c", `set -o pipefail; "${bin}" synth --n 2000 --seed 1 | head -c 100 >/dev/null`], { env, encoding: "utf8", cwd: root })
    expect(r.stderr).toBe("")
    expect(r.status).toBe(0)
  })
})
