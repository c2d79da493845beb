import { describe, expect, it } from "vitest"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { Effect } from "effect"
import { DrgData, syntheticDrgData } from "../src/DrgData.ts"
import { generateCases } from "../src/Generator.ts"
import { drgDataFromFile } from "../src/node/drgDataNode.ts"

const { grouper, labelSpace } = msdrgV34()
const getData = Effect.gen(function*() {
  return yield* DrgData
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
    const dir = mkdtempSync(join(tmpdir(), "drgdata-"))
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
