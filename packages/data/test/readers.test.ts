import { describe, expect, it } from "vitest"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { Effect } from "effect"
import { DataReadError } from "../src/DataReadError.ts"
import { readDrgLlamaCsv, readJsonl, readSapphireCsv } from "../src/Readers.ts"
import { userPrompt } from "../src/Prompt.ts"
import { itConformance } from "../../../test/support/conformance.ts"

const { labelSpace } = msdrgV34()
const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runSync(e)
const failure = <A>(e: Effect.Effect<A, DataReadError>): DataReadError => Effect.runSync(Effect.flip(e))

describe("DRG-LLaMA CSV reader", () => {
  const csv = [
    "hadm_id,text,drg_34_code,label",
    '101,"Brief Hospital Course:\n# Sepsis: ""urosepsis"", CTX, improved",871,12',
    "102,plain note,291,40",
    "103,unknown drg,1234,7",
    ""
  ].join("\n")

  it("reads quoted notes with embedded newlines and quotes, joins title/family/tier, reports unknown DRGs", () => {
    const { records, report } = run(readDrgLlamaCsv("train.csv", csv, labelSpace))
    expect(records.map((r) => r.id)).toEqual(["101", "102"])
    expect(records[0]?.text).toBe('Brief Hospital Course:\n# Sepsis: "urosepsis", CTX, improved')
    expect(records[0]?.title).toBe(labelSpace.get(871)?.title)
    expect(records[0]?.tier).toBe("MCC")
    expect(records[1]?.family).toBe(labelSpace.get(291)?.family)
    expect(report).toEqual({ file: "train.csv", rows: 3, unknownDrgs: [{ row: 3, line: 5, value: "1234" }] })
  })

  it("accepts columns in any order with extras", () => {
    const { records } = run(readDrgLlamaCsv("x.csv", "label,drg_34_code,extra,text,hadm_id\n1,190,z,note,9\n", labelSpace))
    expect(records[0]).toMatchObject({ id: "9", drg: 190, text: "note" })
  })

  it("names file, row and column when a DRG is not an integer", () => {
    const e = failure(readDrgLlamaCsv("train.csv", "hadm_id,text,drg_34_code,label\n1,a,871,1\n2,b,87x,1\n", labelSpace))
    expect(e).toBeInstanceOf(DataReadError)
    expect(e).toMatchObject({ file: "train.csv", row: 2, line: 3, column: "drg_34_code", expected: "an integer", found: '"87x"' })
    expect(e.message).toBe('train.csv: row 2 (line 3), column drg_34_code: expected an integer, found "87x"')
  })

  it("rejects a missing header column, a short row, an empty note and broken quoting", () => {
    expect(failure(readDrgLlamaCsv("a.csv", "hadm_id,text,label\n1,a,2\n", labelSpace))).toMatchObject({ row: 0, column: "drg_34_code" })
    expect(failure(readDrgLlamaCsv("a.csv", "hadm_id,text,drg_34_code,label\n1,a,871\n", labelSpace))).toMatchObject({ row: 1, expected: "4 fields", found: "3 fields" })
    expect(failure(readDrgLlamaCsv("a.csv", "hadm_id,text,drg_34_code,label\n1,  ,871,1\n", labelSpace))).toMatchObject({ row: 1, column: "text" })
    expect(failure(readDrgLlamaCsv("a.csv", 'hadm_id,text,drg_34_code,label\n1,"a,871,1\n', labelSpace)).message).toMatch(/^a\.csv: .*line 2.*never closed/)
    expect(failure(readDrgLlamaCsv("a.csv", "", labelSpace))).toMatchObject({ row: 0, found: "an empty file" })
  })
})

describe("CSV reader errors", () => {
  it("name the data row of a syntax error (never row -1), counting like the other errors", () => {
    const e = failure(readDrgLlamaCsv("t.csv", 'hadm_id,text,drg_34_code,label\n1,a,871,1\n\n2,b x"y,871,1\n', labelSpace))
    expect(e).toMatchObject({ row: 2, line: 4, column: "character 6" })
    expect(e.message).toMatch(/^t\.csv: row 2 \(line 4\), column character 6: expected well-formed RFC 4180 CSV, found a quote inside an unquoted field/)
    expect(failure(readSapphireCsv("s.csv", 'problem,solution\n"never closed,X\n', labelSpace)).message).toMatch(/^s\.csv: row 1 \(line 2\)/)
  })

  it("cut long field text out of messages", () => {
    const note = "word ".repeat(3000)
    const header = failure(readDrgLlamaCsv("h.csv", `${note},text,drg_34_code,label\n`, labelSpace))
    expect(header.message.length).toBeLessThan(400)
    const drg = failure(readDrgLlamaCsv("d.csv", `hadm_id,text,drg_34_code,label\n1,x,${"9".repeat(5000)}x,1\n`, labelSpace))
    expect(drg.message.length).toBeLessThan(200)
  })
})

describe("DRG-LLaMA data's label set", () => {
  itConformance("joins every DRG that occurs in the DRG-LLaMA data (id2label.csv) with the catalog", ["id2label.csv"], (ref) => {
    const id2label = ref.read("id2label.csv")
      .split("\n").slice(1).filter((l) => l.trim() !== "").map((l) => l.split(","))
    const csv = ["hadm_id,text,drg_34_code,label", ...id2label.map(([drg, label], i) => `${i},note ${i},${drg},${label}`)].join("\n")
    const { records, report } = run(readDrgLlamaCsv("id2label-shaped.csv", csv, labelSpace))
    expect(report.unknownDrgs).toEqual([])
    expect(records.length).toBe(id2label.length)
    expect(records.length).toBeGreaterThan(700)
  })
})

describe("DRG-Sapphire reader", () => {
  it("extracts the note from the prompt and matches the title exactly (trim + upper case)", () => {
    const title = labelSpace.get(193)!.title
    const text = `problem,solution\n"${userPrompt("note one").replace(/"/g, '""')}", ${title.toLowerCase()} \n"${userPrompt("two")}",NOT A TITLE\n`
    const { records, report } = run(readSapphireCsv("s.csv", text, labelSpace))
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ text: "note one", drg: 193, title })
    expect(report.unknownDrgs).toEqual([{ row: 2, line: 4, value: "NOT A TITLE" }])
  })
})

describe("JSONL reader", () => {
  const good = { id: "a", text: "t", pdx: "A41.9", sdx: [], procedures: [], age: 70, sex: "F", dischargeStatus: "01", drg: 872, title: "X", family: "F", tier: "without-MCC", difficulty: "easy" }
  it("decodes records and reports unknown DRGs", () => {
    const text = `${JSON.stringify(good)}\n\n${JSON.stringify({ ...good, id: "b", drg: 4321 })}\n`
    const { records, report } = run(readJsonl("c.jsonl", text, labelSpace))
    expect(records.map((r) => r.id)).toEqual(["a"])
    expect(report.unknownDrgs).toEqual([{ row: 3, line: 3, value: "4321" }])
  })
  it("names the line and field of a bad record, and bad JSON", () => {
    const e = failure(readJsonl("c.jsonl", `${JSON.stringify(good)}\n${JSON.stringify({ ...good, sdx: ["x", 3] })}\n`))
    expect(e).toMatchObject({ file: "c.jsonl", row: 2, column: '["sdx"][1]' })
    expect(e.message).toMatch(/^c\.jsonl: row 2 \(line 2\), column \["sdx"\]\[1\]: expected a DrgRecord, found Expected string/)
    expect(failure(readJsonl("c.jsonl", "{nope\n"))).toMatchObject({ row: 1, expected: "a JSON object" })
  })
})
