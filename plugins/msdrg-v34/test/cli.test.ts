import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseCaseLine } from "../src/cli/index.ts"
import { labelSpaceV34 } from "../src/index.ts"
import { itConformance } from "../../../test/support/conformance.ts"

// The installed bin (npm links it into the root node_modules/.bin), run as `npx msdrg` would.
const root = fileURLToPath(new URL("../../../", import.meta.url))
const bin = `${root}node_modules/.bin/msdrg`
const fixture = readFileSync(fileURLToPath(new URL("./fixtures/seed_examples.jsonl", import.meta.url)), "utf8")

const msdrg = (args: ReadonlyArray<string>, input = "") => {
  // PATH first lists the repo's node_modules/.bin so `#!/usr/bin/env node` finds Node 22.
  const r = spawnSync(bin, args, {
    input,
    encoding: "utf8",
    cwd: root,
    env: { ...process.env, PATH: `${root}node_modules/.bin:${process.env["PATH"] ?? ""}` }
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>)

describe("parseCaseLine", () => {
  const line = (sdx: unknown) => JSON.stringify({ pdx: "N10", sdx, procedures: [], age: 40, sex: "F", dischargeStatus: "01" })

  it("reads SDX as code strings or {code, poa}, with POA upper-cased and empty POA dropped", () => {
    const r = parseCaseLine(line(["N17.9", { code: "I26.99", poa: " n " }, { code: "E87.1", poa: "" }]))
    expect(r.ok && r.input.sdx).toEqual(["N17.9", { code: "I26.99", poa: "N" }, { code: "E87.1" }])
  })

  it("names the SDX item that is unusable", () => {
    expect(parseCaseLine(line(["N17.9", { code: "I26.99", poa: "X" }]))).toEqual({
      ok: false,
      error: "sdx[1]: poa must be one of Y, N, U, W, 1"
    })
    expect(parseCaseLine(line([{ poa: "Y" }]))).toEqual({ ok: false, error: `sdx[0] must be a code string or {"code", "poa"}` })
    expect(parseCaseLine(line([42]))).toEqual({ ok: false, error: `sdx[0] must be a code string or {"code", "poa"}` })
  })
})

describe("msdrg CLI (spawned)", () => {
  it("group: the seed worked cases come out with their gold DRGs", () => {
    const r = msdrg(["group"], fixture)
    expect(r.code).toBe(0)
    const expected = jsonLines(fixture)
    const out = jsonLines(r.stdout)
    expect(out).toHaveLength(expected.length)
    for (const [i, row] of out.entries()) {
      expect(row["id"]).toBe(expected[i]?.["id"])
      expect(row["drg"], String(row["id"])).toBe(expected[i]?.["expected"])
      expect(typeof row["title"]).toBe("string")
      for (const key of ["mdc", "type", "severity", "family", "trace"]) expect(row).toHaveProperty(key)
      expect(Array.isArray(row["trace"])).toBe(true)
    }
    expect(r.stderr).toMatch(/30 case\(s\) grouped, 0 line\(s\) failed/)
  })

  it("group: reports malformed lines and keeps going; accepts sex/status/SDX spellings", () => {
    const input = [
      `{"id": 1, "pdx": "N10", "sdx": ["N17.9"], "procedures": [], "age": 40, "sex": "female", "dischargeStatus": 1}`,
      `not json`,
      `{"id": 3, "pdx": "F10.239", "sdx": [{"code": "D69.6", "poa": "Y"}], "procedures": [], "age": 40, "sex": 1, "dischargeStatus": 7}`,
      `{"id": 4, "pdx": "N10", "sdx": [], "procedures": [], "age": 40, "sex": "X", "dischargeStatus": "01"}`,
      ``,
      `{"id": 6, "pdx": "I21.4", "sdx": ["R57.0"], "procedures": ["027034Z"], "age": 70, "sex": "0", "dischargeStatus": "20"}`,
      `[1, 2]`
    ].join("\n")
    const r = msdrg(["group"], input)
    expect(r.code).toBe(0)
    const out = jsonLines(r.stdout)
    expect(out.map((o) => o["drg"] ?? `line ${String(o["line"])}`)).toEqual([690, "line 2", 894, "line 4", 247, "line 7"])
    expect(out[1]?.["error"]).toMatch(/invalid JSON/)
    expect(out[3]?.["error"]).toMatch(/sex/)
    expect(r.stderr).toMatch(/3 case\(s\) grouped, 3 line\(s\) failed/)
  })

  itConformance("group --tables DIR loads CMS text files (cms-v37/)", ["cms-v37/appendix_F_J.txt", "cms-v37/appendix_A.txt"], (ref) => {
    const v37Dir = ref.path("cms-v37")
    const input = `{"id": "x", "pdx": "J18.9", "sdx": ["A02.1"], "procedures": [], "age": 70, "sex": "F", "dischargeStatus": "01"}\n`
    const plain = jsonLines(msdrg(["group"], input).stdout)[0]
    const loaded = jsonLines(msdrg(["group", "--tables", v37Dir], input).stdout)[0]
    expect(plain?.["drg"]).toBe(195)
    expect(loaded?.["drg"]).toBe(193)
    expect(loaded?.["coverage"]).toEqual({ complete: true, unknownCodes: [] })
  })

  it("resolve: a title in free text, or a reason with exit code 1", () => {
    const ok = msdrg(["resolve", "heart failure & shock w mcc"])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ drg: 291, title: "HEART FAILURE AND SHOCK WITH MCC" })
    const bad = msdrg(["resolve", "completely unrelated words"])
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stdout)).toHaveProperty("reason")
  })

  it("families: one line per family, or JSON lines with --json", () => {
    const text = msdrg(["families"])
    expect(text.code).toBe(0)
    const lines = text.stdout.trim().split("\n")
    expect(lines).toHaveLength(labelSpaceV34.families.length)
    expect(lines).toContain("291-293\t05\tM\t3-way\tHEART FAILURE AND SHOCK")
    const json = jsonLines(msdrg(["families", "--json"]).stdout)
    expect(json).toHaveLength(labelSpaceV34.families.length)
    expect(json.find((f) => f["range"] === "871-872")).toMatchObject({ mdc: "18", type: "medical", pattern: "2-way-MCC" })
  })

  it("--help prints usage; an unknown command exits 2", () => {
    const help = msdrg(["--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/msdrg group/)
    expect(msdrg(["frobnicate"]).code).toBe(2)
  })
})
