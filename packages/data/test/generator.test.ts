import { describe, expect, it } from "vitest"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { conflicts } from "../src/Conflicts.ts"
import { DISTRACTORS, distractorContradicts } from "../src/Distractors.ts"
import { generateCase, generateCases, type GeneratedCase, grouperInput, leakIn } from "../src/Generator.ts"
import { recordToJson } from "../src/Record.ts"
import { hasEvidence, PROCEDURES } from "../src/Vocabulary.ts"

const { grouper, labelSpace } = msdrgV34()
const N = 1000
const cases: ReadonlyArray<GeneratedCase> = [...generateCases(grouper, { n: N, seed: 11 })]
const codesOf = (c: GeneratedCase) => [c.record.pdx, ...c.record.sdx, ...c.record.procedures]
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

describe("synthetic generator (real v34 grouper)", () => {
  it("labels every record with what its own codes group to, and the title is the label-space title", () => {
    for (const { record } of cases) {
      const again = grouper.group(grouperInput(record))
      expect(again.drg, record.id).toBe(record.drg)
      expect(record.title).toBe(labelSpace.get(record.drg)?.title)
      expect(record.family).toBe(again.family)
      expect(record.tier).toBe(again.tier)
      expect([998, 999]).not.toContain(record.drg)
    }
  })

  it("spans at least 40 DRGs and 20 families in 1,000 cases, with every difficulty", () => {
    expect(new Set(cases.map((c) => c.record.drg)).size).toBeGreaterThanOrEqual(40)
    expect(new Set(cases.map((c) => c.record.family)).size).toBeGreaterThanOrEqual(20)
    for (const d of ["easy", "medium", "hard"]) expect(cases.some((c) => c.record.difficulty === d)).toBe(true)
  })

  it("puts evidence for every code of the case into the note", () => {
    for (const c of cases) {
      for (const code of codesOf(c)) expect(hasEvidence(c.record.text, code), `${c.record.id} ${code}\n${c.record.text}`).toBe(true)
    }
  })

  it("never names the DRG number, the word DRG, the title or any code of the case", () => {
    for (const { record } of cases) {
      const text = record.text
      const upper = text.toUpperCase()
      expect(text, "unfilled placeholder").not.toMatch(/\{\d/)
      expect(upper.includes(record.title.toUpperCase())).toBe(false)
      expect(/\bDRG\b/.test(upper)).toBe(false)
      // No standalone number token equal to the DRG (decimals, words like "HD3" and codes do not count).
      const numbers = text.replace(/\d+\.\d+/g, " ").split(/[^A-Za-z0-9]+/).filter((t) => /^\d+$/.test(t)).map(Number)
      expect(numbers, `${record.id}: ${record.drg}\n${text}`).not.toContain(record.drg)
      for (const code of [record.pdx, ...record.sdx, ...record.procedures]) {
        expect(new RegExp(`\\b${escape(code)}\\b`, "i").test(text), code).toBe(false)
        expect(new RegExp(`\\b${escape(code.replace(".", ""))}\\b`, "i").test(text), code).toBe(false)
      }
    }
  })

  it("keeps negated, ruled-out and history-only mentions away from the case's conditions", () => {
    let distractors = 0
    for (const c of cases) {
      for (const m of c.mentions) {
        if (m.role === "pdx" || m.role === "sdx" || m.role === "procedure") continue
        distractors++
        expect(codesOf(c)).not.toContain(m.code)
        for (const code of codesOf(c)) expect(conflicts(m.code, code), `${c.record.id}: ${m.role} ${m.code} vs ${code}`).toBe(false)
        expect(m.distractor).toBeDefined()
        expect(c.record.text).toContain(m.distractor!.text.slice(1))
        expect(distractorContradicts(m.distractor!, codesOf(c)), `${c.record.id}: ${m.distractor!.text}`).toBe(false)
      }
      if (c.record.difficulty !== "hard") expect(c.mentions.every((m) => ["pdx", "sdx", "procedure"].includes(m.role))).toBe(true)
    }
    expect(distractors).toBeGreaterThan(100)
  })

  it("writes deferred operations only into stays without a DRG-driving procedure", () => {
    const deferred = cases.filter((c) => c.mentions.some((m) => m.role === "deferred"))
    expect(deferred.length).toBeGreaterThan(5)
    for (const c of deferred) {
      expect(c.result.type, c.record.id).toBe("medical")
      expect(c.record.procedures.every((p) => PROCEDURES.get(p)?.orStatus === "non-O.R."), c.record.id).toBe(true)
    }
  })

  it("makes easy cases single-condition and hard cases richer", () => {
    for (const c of cases.filter((x) => x.record.difficulty === "easy")) expect(c.record.sdx).toEqual([])
    const mean = (d: string) => {
      const xs = cases.filter((c) => c.record.difficulty === d)
      return xs.reduce((s, c) => s + c.record.sdx.length, 0) / xs.length
    }
    expect(mean("hard")).toBeGreaterThan(mean("medium"))
  })

  it("writes hospital-acquired conditions (POA = N) as arising during the stay, and the final DRG ignores them", () => {
    const hac = cases.filter((c) => (c.record.poaN ?? []).length > 0)
    expect(hac.length).toBeGreaterThan(5)
    let changed = 0
    for (const c of hac) {
      for (const code of c.record.poaN!) {
        expect(c.record.sdx).toContain(code)
        const term = new RegExp(`c/b [^(]*, new on (POD|HD)\\d`)
        expect(term.test(c.record.text), c.record.text).toBe(true)
      }
      const asIfPresent = grouper.group({ ...grouperInput(c.record), sdx: c.record.sdx })
      if (asIfPresent.drg !== c.record.drg) changed++
    }
    // At least one trap where counting the HAC would have given another DRG (e.g. 469 for 470).
    expect(changed).toBeGreaterThan(0)
  })

  it("states the discharge status in words: died if and only if status 20, AMA if and only if 07", () => {
    for (const { record } of cases) {
      expect(/expired/i.test(record.text), record.id).toBe(record.dischargeStatus === "20")
      expect(/\bAMA\b/.test(record.text), record.id).toBe(record.dischargeStatus === "07")
    }
  })

  it("produces hard traps: alive-only MCCs in patients who died, AMA, surgical and unrelated O.R. cases", () => {
    const aliveOnly = cases.filter((c) => c.record.dischargeStatus === "20" && c.record.sdx.some((s) => ["R57.0", "I46.9", "R57.1", "I49.01"].includes(s)))
    expect(aliveOnly.length).toBeGreaterThan(0)
    for (const c of aliveOnly) expect(/expired/i.test(c.record.text)).toBe(true)
    expect(cases.some((c) => c.record.dischargeStatus === "07" && /AMA/.test(c.record.text))).toBe(true)
    expect(cases.some((c) => c.result.type === "surgical")).toBe(true)
    expect(cases.some((c) => c.record.drg >= 981 && c.record.drg <= 989)).toBe(true)
  })

  it("is deterministic: same seed, same bytes; another seed, other cases; index i independent of n", () => {
    const again = [...generateCases(grouper, { n: 200, seed: 11 })].map((c) => recordToJson(c.record)).join("\n")
    expect(again).toBe(cases.slice(0, 200).map((c) => recordToJson(c.record)).join("\n"))
    const other = [...generateCases(grouper, { n: 200, seed: 12 })].map((c) => recordToJson(c.record)).join("\n")
    expect(other).not.toBe(again)
    expect(recordToJson(generateCase(grouper, { n: 5, seed: 11 }, 150).record)).toBe(recordToJson(cases[150]!.record))
  })

  it("honours the uniform mix, a fixed difficulty and a note length", () => {
    const uniform = [...generateCases(grouper, { n: 300, seed: 3, mix: "uniform", difficulty: { easy: 0, medium: 0, hard: 1 }, noteLength: "short" })]
    expect(uniform.every((c) => c.record.difficulty === "hard")).toBe(true)
    const natural = cases.slice(0, 300)
    const top = (xs: ReadonlyArray<GeneratedCase>) => Math.max(...[...xs.reduce((m, c) => m.set(c.record.family, (m.get(c.record.family) ?? 0) + 1), new Map<string, number>()).values()])
    // Natural frequencies concentrate on sepsis / heart failure; uniform spreads out.
    expect(top(uniform)).toBeLessThan(top(natural))
    const long = [...generateCases(grouper, { n: 100, seed: 3, noteLength: "long" })]
    const avg = (xs: ReadonlyArray<GeneratedCase>) => xs.reduce((s, c) => s + c.record.text.length, 0) / xs.length
    expect(avg(long)).toBeGreaterThan(avg([...generateCases(grouper, { n: 100, seed: 3, noteLength: "short" })]))
  })

  it("never runs out of attempts: 1,500 uniform-mix cases of every difficulty reach over 150 DRGs", () => {
    const drgs = new Set<number>()
    for (const difficulty of ["easy", "medium", "hard"] as const) {
      for (const c of generateCases(grouper, { n: 500, seed: 23, mix: "uniform", difficulty: { easy: 0, medium: 0, hard: 0, [difficulty]: 1 } })) {
        expect(c.record.difficulty).toBe(difficulty)
        drgs.add(c.record.drg)
      }
    }
    expect(drgs.size).toBeGreaterThan(150)
  })

  it("tells each device story its title names: a new pacemaker system with leads (242-244), never an unexplained replacement", () => {
    const device = [...generateCases(grouper, { n: 3000, seed: 23, mix: "uniform" })]
      .filter((c) => /PACEMAKER|DEFIBRILLATOR/.test(c.record.title))
    expect(device.some((c) => [242, 243, 244].includes(c.record.drg))).toBe(true)
    const replacementStory = /replac|generator change|battery|revision/i
    for (const c of device) {
      if (/REPLACEMENT|REVISION/.test(c.record.title)) {
        expect(c.record.text, `${c.record.id} ${c.record.title}`).toMatch(replacementStory)
      } else {
        expect(c.record.title, c.record.id).toMatch(/IMPLANT/)
        expect(c.record.text, `${c.record.id} ${c.record.title}`).toMatch(/\blead\b/i)
        expect(c.record.text, `${c.record.id} ${c.record.title}`).not.toMatch(replacementStory)
      }
    }
    const pacemaker = device.filter((c) => c.scenario === "pacemaker")
    expect(pacemaker.length).toBeGreaterThan(5)
    for (const c of pacemaker) expect(c.record.procedures, c.record.id).toEqual(expect.arrayContaining(["0JH606Z", "02H63JZ", "02HK3JZ"]))
  })

  it("draws ages per diagnosis: no NSTEMI, COPD or hip fracture in a young adult, as principal or secondary", () => {
    const many = [...generateCases(grouper, { n: 2000, seed: 7 })]
    const lateLife = /^(I21|I25|I50|J44|S72|M17|M16|I48)/
    const young = many.filter((c) => c.record.age < 40 && [c.record.pdx, ...c.record.sdx].some((code) => lateLife.test(code)))
    expect(young.map((c) => `${c.record.id} ${c.record.age} ${c.record.pdx}`)).toEqual([])
    expect(Math.min(...many.map((c) => c.record.age))).toBeLessThan(30)
  })

  it("keeps a code's numbers consistent within a note (ventilation days) and never writes h/o h/o", () => {
    const many = [...generateCases(grouper, { n: 3000, seed: 7, mix: "uniform" })]
    const vent = many.filter((c) => c.record.procedures.includes("5A1955Z"))
    expect(vent.length).toBeGreaterThan(10)
    for (const c of vent) {
      const days = [...c.record.text.matchAll(/(?:vent for|ventilated for|extubated after) (\d+) days/g)].map((m) => m[1])
      expect(days.length, c.record.text).toBeGreaterThan(0)
      expect(new Set(days).size, c.record.text).toBeLessThanOrEqual(1)
    }
    for (const c of many) expect(c.record.text, c.record.id).not.toMatch(/h\/o (remote )?h\/o/i)
  })

  it("writes full discharge summaries on request: HPI, admission exam, results, course and medications", () => {
    const full = [...generateCases(grouper, { n: 300, seed: 5, noteLength: "discharge" })]
    const long = [...generateCases(grouper, { n: 300, seed: 5, noteLength: "long" })]
    const words = (cs: ReadonlyArray<GeneratedCase>) => cs.map((c) => c.record.text.split(/\s+/).length).sort((a, b) => a - b)[cs.length >> 1]!
    expect(words(full)).toBeGreaterThan(2 * words(long))
    for (const c of full) {
      const t = c.record.text
      for (const h of ["HISTORY OF PRESENT ILLNESS:", "PHYSICAL EXAM ON ADMISSION:", "PERTINENT RESULTS:", "BRIEF HOSPITAL COURSE:"]) expect(t, c.record.id).toContain(h)
      expect(t.includes("DISCHARGE MEDICATIONS:"), c.record.id).toBe(c.record.dischargeStatus !== "20" || false)
      const codes = [c.record.pdx, ...c.record.sdx]
      if (/Metformin/.test(t)) expect(codes.some((code) => code.startsWith("E11")), c.record.id).toBe(true)
      if (/Apixaban/.test(t)) expect(codes.some((code) => /^(K92|K25|K26|I61|I60)/.test(code)), c.record.id).toBe(false)
      if (codes.some((code) => code.startsWith("J96"))) expect(t, c.record.id).not.toMatch(/Lungs: CTAB|no acute distress/)
      expect(leakIn(t, c.record.drg, c.record.title, [...codes, ...c.record.procedures])).toBeUndefined()
      expect(grouper.group(grouperInput(c.record)).drg).toBe(c.record.drg)
    }
  })

  it("distractorContradicts catches findings a distractor denies", () => {
    const find = (text: string) => DISTRACTORS.find((d) => d.text.startsWith(text))!
    expect(distractorContradicts(find("SpO2 >94%"), ["I10", "5A1955Z"])).toBe(true)
    expect(distractorContradicts(find("SpO2 >94%"), ["K59.00", "I10"])).toBe(false)
    expect(distractorContradicts(find("UA bland"), ["A41.51"])).toBe(true)
    expect(distractorContradicts(find("r/o PE"), ["I26.92"])).toBe(true)
  })

  it("leakIn flags a planted DRG number, title and code", () => {
    expect(leakIn("pt with sepsis", 871, "SEPTICEMIA", ["A41.9"])).toBeUndefined()
    expect(leakIn("grouped to 871", 871, "X", [])).toBeDefined()
    expect(leakIn("grouped to 064", 64, "X", [])).toBeDefined()
    expect(leakIn("trach on day 3 of 9", 3, "TRACH TITLE", [])).toBeDefined()
    expect(leakIn("trop neg x3, HD3", 3, "TRACH TITLE", [])).toBeUndefined()
    expect(leakIn("the septicemia case", 871, "SEPTICEMIA", [])).toBeDefined()
    expect(leakIn("coded A419 today", 871, "X", ["A41.9"])).toBeDefined()
    expect(leakIn("Na 128.71", 871, "X", [])).toBeUndefined()
  })
})
