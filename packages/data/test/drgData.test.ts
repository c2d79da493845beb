import { afterAll, describe, expect, it } from "vitest"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { Effect } from "effect"
import { DrgData, syntheticDrgData } from "../src/DrgData.ts"
import { generateCases } from "../src/Generator.ts"
import { drgDataFromFile } from "../src/node/drgDataNode.ts"
import { readRecordsFile } from "../src/node/readFilesNode.ts"
import { readDrgLlamaCsv } from "../src/Readers.ts"
import { recordToJson } from "../src/Record.ts"

const { grouper, labelSpace } = msdrgV34()
const getData = Effect.gen(function*() {
  return yield* DrgData
})

const csvField = (f: string) => `"${f.replace(/"/g, '""')}"`
const dir = mkdtempSync(join(tmpdir(), "drgdata-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("file readers (Node)", () => {
  it("read a multi-chunk CSV and JSONL exactly as the in-memory readers do", async () => {
    const cases = [...generateCases(grouper, { n: 700, seed: 6, noteLength: "long" })].map((c) => c.record)
    const csv = ["hadm_id,text,drg_34_code,label", ...cases.map((r, i) => `${i},${csvField(`${r.text}\n"quoted" ${"é".repeat(i % 7)}`)},${r.drg},${i}`)].join("\r\n") + "\r\n"
    expect(csv.length).toBeGreaterThan(3 * 65536)
    const file = join(dir, "big.csv")
    writeFileSync(file, csv)
    const fromFile = await Effect.runPromise(readRecordsFile(file, labelSpace))
    expect(fromFile).toEqual(Effect.runSync(readDrgLlamaCsv(file, csv, labelSpace)))
    expect(fromFile.records).toHaveLength(700)
    const jsonl = join(dir, "big.jsonl")
    const text = cases.map((r) => recordToJson(r)).join("\n") + "\n"
    writeFileSync(jsonl, text)
    const fromJsonl = await Effect.runPromise(readRecordsFile(jsonl, labelSpace))
    expect(fromJsonl.records).toEqual(cases)
  })
})

describe("DrgData service", () => {
  it("provides the synthetic benchmark through a layer", () => {
    const program = Effect.gen(function*() {
      const data = yield* DrgData
      return data.records.map((r) => r.id)
    })
    const ids = Effect.runSync(Effect.provide(program, syntheticDrgData(grouper, { n: 20, seed: 4 })))
    expect(ids).toEqual([...generateCases(grouper, { n: 20, seed: 4 })].map((c) => c.record.id))
  })

  it("reads a file into the service, and a bad row fails the layer with a DataReadError", async () => {
    const good = join(dir, "good.csv"), bad = join(dir, "bad.csv")
    writeFileSync(good, "hadm_id,text,drg_34_code,label\n1,note,871,0\n2,other,5555,1\n")
    writeFileSync(bad, "hadm_id,text,drg_34_code,label\n1,note,x,0\n")
    const data = await Effect.runPromise(Effect.provide(getData, drgDataFromFile(good, labelSpace)))
    expect(data.records.map((r) => r.drg)).toEqual([871])
    expect(data.report?.unknownDrgs).toEqual([{ row: 2, line: 3, value: "5555" }])
    const error = await Effect.runPromise(Effect.flip(Effect.provide(getData, drgDataFromFile(bad, labelSpace))))
    expect(error._tag).toBe("DataReadError")
    const missing = await Effect.runPromise(Effect.flip(Effect.provide(getData, drgDataFromFile(join(dir, "none.csv"), labelSpace))))
    expect(missing._tag).toBe("FileReadError")
  })
})
