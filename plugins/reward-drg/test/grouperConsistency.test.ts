import { createGrouper, labelSpaceV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { describe, expect, it } from "vitest"
import { grouperConsistencyReward, readCodesLine } from "../src/index.ts"
import { completion, goldOf, makeContext, rollout } from "./support/context.ts"

const grouper = createGrouper()
const T871 = labelSpaceV34.get(871)!.title
const T872 = labelSpaceV34.get(872)!.title
const SEPSIS_MCC = "Codes: PDX=A41.51; SDX=R65.21,N17.9; AGE=70; SEX=F; DISP=06"

const score = async (text: string, options = {}) =>
  (await grouperConsistencyReward(options).score([rollout(text, goldOf(871))], makeContext(grouper)))[0]

describe("readCodesLine", () => {
  it("reads the codes, any key order and case, with defaults for age, sex and status", () => {
    expect(readCodesLine(`thinking\n${SEPSIS_MCC}\nmore`)).toEqual({
      ok: true,
      input: { pdx: "A41.51", sdx: ["R65.21", "N17.9"], procedures: [], age: 70, sex: "F", dischargeStatus: "06" }
    })
    expect(readCodesLine("codes: sdx=; proc=0BH17EZ; pdx=j96.01")).toEqual({
      ok: true,
      input: { pdx: "J96.01", sdx: [], procedures: ["0BH17EZ"], age: 65, sex: "U", dischargeStatus: "01" }
    })
  })
  it("takes the last codes line and says when there is none", () => {
    expect(readCodesLine("Codes: PDX=I50.9\nCodes: PDX=A41.51")).toMatchObject({ input: { pdx: "A41.51" } })
    expect(readCodesLine("no codes here; PDX=A41.51")).toBeUndefined()
  })
  it.each([
    ["Codes: SDX=N17.9", "PDX is missing"],
    ["Codes: PDX=sepsis", "PDX: \"SEPSIS\" is not a code"],
    ["Codes: PDX=A41.51; MDC=18", "unknown key \"MDC\""],
    ["Codes: PDX=A41.51; PDX=A41.9", "PDX given twice"],
    ["Codes: PDX=A41.51; AGE=old", "AGE: expected an integer 0-124, got \"old\""],
    ["Codes: PDX=A41.51; SEX=X", "SEX: expected M | F | U, got \"X\""],
    ["Codes: PDX=A41.51; A41.9", "\"A41.9\" is not KEY=VALUE"]
  ])("reports a malformed line: %s", (line, reason) => {
    expect(readCodesLine(line)).toEqual({ ok: false, reason })
  })
})

describe("grouper-consistency-reward", () => {
  it("checks the grouper derives the answered DRG from the stated codes", async () => {
    const line = readCodesLine(SEPSIS_MCC)
    if (line?.ok !== true) throw new Error("the codes line did not parse")
    expect(grouper.group(line.input).drg).toBe(871)
    expect(await score(completion(T871, `sepsis with shock\n${SEPSIS_MCC}`))).toBe(0.5)
    expect(await score(completion(T872, `sepsis with shock\n${SEPSIS_MCC}`))).toBe(-0.5)
  })
  it("compares after normalizing the answer (case, whitespace)", async () => {
    expect(await score(completion(`  ${T871.toLowerCase()}\r\n`, SEPSIS_MCC))).toBe(0.5)
  })
  it("is null without the format or without a codes line, and disagrees on a malformed line or ungroupable codes", async () => {
    expect(await score(`${SEPSIS_MCC}\n<answer>${T871}</answer>`)).toBeNull()
    expect(await score(completion(T871))).toBeNull()
    expect(await score(completion(T871, "Codes: PDX=A41.51; MDC=18"))).toBe(-0.5)
    expect(await score(completion(T871, "Codes: PDX=ZZZ.99"))).toBe(-0.5)
  })
  it("reads the codes line from the reasoning only", async () => {
    expect(await score(completion(`${T871}\n${SEPSIS_MCC}`))).toBeNull()
  })
  it("takes its scores as options and records stated / agree", async () => {
    const ctx = makeContext(grouper)
    const plugin = grouperConsistencyReward({ agree: 1, disagree: -1 })
    const scores = await plugin.score(
      [completion(T871, SEPSIS_MCC), completion(T872, SEPSIS_MCC), completion(T871), "bad"].map((t) => rollout(t, goldOf(871))),
      ctx
    )
    expect(scores).toEqual([1, -1, null, null])
    expect(Object.fromEntries(ctx.metrics)).toEqual({ stated: 2 / 3, agree: 0.5 })
    expect(plugin.range).toEqual({ min: -1, max: 1 })
  })
  it("says it needs a grouper when the run has none", async () => {
    expect(() => grouperConsistencyReward().score([rollout(completion(T871), goldOf(871))], makeContext())).toThrow(/needs a run with a grouper/)
  })
})
