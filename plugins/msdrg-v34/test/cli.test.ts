import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { parseCaseLine, resolveArgument } from "../src/cli/index.ts"
import { labelSpaceV34 } from "../src/index.ts"
import { itConformance } from "../../../test/support/conformance.ts"
import { caseLines } from "./support/caseLine.ts"

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

describe("parseCaseLine: the data records' own format", () => {
  const record = {
    id: "syn-1", text: "note", pdx: "M17.11", sdx: ["I26.99", "N17.9"], poaN: ["I26.99"], procedures: ["0SRC0J9"],
    age: 70, sex: "F", dischargeStatus: "01", drg: 470, title: "T", family: "F", tier: "without-MCC", difficulty: "hard"
  }

  it("reads poaN as POA N on those SDX, accepts the record's label fields and keeps its drg as expected", () => {
    const r = parseCaseLine(JSON.stringify(record))
    expect(r.ok && r.input.sdx).toEqual([{ code: "I26.99", poa: "N" }, "N17.9"])
    expect(r.ok && r.expected).toBe(470)
  })

  it("rejects an unknown field, naming it and the accepted fields", () => {
    const r = parseCaseLine(JSON.stringify({ ...record, poa_n: ["I26.99"] }))
    expect(r).toEqual({
      ok: false,
      error: "unknown field \"poa_n\"; accepted: id, pdx, sdx, poaN, procedures, age, sex, dischargeStatus " +
        "(and a data record's text, drg, title, family, tier, difficulty, not used for grouping)"
    })
  })

  it("rejects a poaN code that is not an SDX, or that contradicts its SDX item's poa", () => {
    expect(parseCaseLine(JSON.stringify({ ...record, poaN: ["I26.90"] }))).toEqual({ ok: false, error: "poaN code \"I26.90\" is not among the sdx" })
    expect(parseCaseLine(JSON.stringify({ ...record, sdx: [{ code: "I26.99", poa: "Y" }] }))).toMatchObject({ ok: false, error: expect.stringMatching(/poaN lists "I26.99" but its sdx item says poa "Y"/) })
    expect(parseCaseLine(JSON.stringify({ ...record, poaN: "I26.99" }))).toMatchObject({ ok: false, error: expect.stringMatching(/poaN must be an array/) })
  })
})

describe("resolveArgument", () => {
  it("drops surrounding quotes and a trailing period, and nothing else", () => {
    expect(resolveArgument("\"heart failure & shock w mcc.\"")).toBe("heart failure & shock w mcc")
    expect(resolveArgument(" 'HEART FAILURE AND SHOCK WITH MCC'. ")).toBe("HEART FAILURE AND SHOCK WITH MCC")
    expect(resolveArgument("\u201cheart failure\u201d")).toBe("heart failure")
    expect(resolveArgument("\"unbalanced")).toBe("\"unbalanced")
  })
})

describe("msdrg CLI (spawned)", () => {
  it("group: a record with a hospital-acquired SDX in poaN gets its own label (HAC-excluded)", () => {
    const rec = {
      id: "hac", text: "x", pdx: "M17.11", sdx: ["I26.99"], poaN: ["I26.99"], procedures: ["0SRC0J9"], age: 70,
      sex: "F", dischargeStatus: "01", drg: 470, title: "T", family: "F", tier: "without-MCC", difficulty: "hard"
    }
    const r = msdrg(["group"], `${JSON.stringify(rec)}\n${JSON.stringify({ ...rec, id: "poa", poaN: undefined, drg: 469 })}\n`)
    expect(r.code).toBe(0)
    expect(jsonLines(r.stdout).map((o) => [o["id"], o["drg"], o["expected"]])).toEqual([["hac", 470, 470], ["poa", 469, 469]])
    expect(r.stderr).toBe("msdrg group: 2 case(s) grouped, 0 line(s) failed\n")
  })

  it("group: an unknown field fails its line with the line number, on stdout and stderr", () => {
    const r = msdrg(["group"], `{"pdx": "N10", "sdx": [], "procedures": [], "age": 40, "sex": "F", "dischargeStatus": "01", "sdx_poa": []}\n`)
    expect(jsonLines(r.stdout)[0]).toMatchObject({ line: 1, error: expect.stringMatching(/^unknown field "sdx_poa"; accepted: id, pdx, sdx, poaN/) })
    expect(r.stderr).toMatch(/^msdrg group: line 1: unknown field "sdx_poa"; accepted: /)
  })

  it("group --tables: fails on a directory without appendix files or with one that parses to nothing; says what it parsed", () => {
    const dir = mkdtempSync(join(tmpdir(), "msdrg-tables-"))
    try {
      const none = msdrg(["group", "--tables", dir], "")
      expect(none.code).toBe(1)
      expect(none.stderr).toMatch(/no CMS appendix_\*\.txt files in /)
      writeFileSync(join(dir, "appendix_A.txt"), "")
      expect(msdrg(["group", "--tables", dir], "").stderr).toMatch(/appendix_A\.txt: nothing parsed \(the file is empty\)/)
      writeFileSync(join(dir, "appendix_A.txt"), "<html>not found</html>\n")
      const garbage = msdrg(["group", "--tables", dir], "")
      expect(garbage.code).toBe(1)
      expect(garbage.stderr).toMatch(/appendix_A\.txt: nothing parsed \(no line has the CMS layout\)/)
      // Two rows in Appendix A's fixed columns (DRG, MDC, M/P, title).
      writeFileSync(join(dir, "appendix_A.txt"), "DRG MDC MS Description\n291 05  M  HEART FAILURE AND SHOCK WITH MCC\n292 05  M  HEART FAILURE AND SHOCK WITH CC\n")
      const ok = msdrg(["group", "--tables", dir], "")
      expect(ok.code).toBe(0)
      expect(ok.stderr).toMatch(/^msdrg group: --tables appendix_A\.txt: 2 DRGs\n/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("exits quietly when its reader closes the pipe early (| head -1)", () => {
    const many = caseLines(fixture).repeat(200)
    const file = join(mkdtempSync(join(tmpdir(), "msdrg-epipe-")), "cases.jsonl")
    writeFileSync(file, many)
    const r = spawnSync("bash", ["-c", `"${bin}" group < "${file}" | head -1 > /dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`], {
      encoding: "utf8",
      cwd: root,
      env: { ...process.env, PATH: `${root}node_modules/.bin:${process.env["PATH"] ?? ""}` }
    })
    rmSync(file)
    expect(r.stderr).toBe("rc=0\n")
  })

  it("resolve: tolerates surrounding quotes and a trailing period", () => {
    const r = msdrg(["resolve", "\"heart failure & shock w mcc.\""])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ drg: 291 })
  })

  it("group: the seed worked cases come out with their gold DRGs", () => {
    const r = msdrg(["group"], caseLines(fixture))
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
