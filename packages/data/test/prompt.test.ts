import { describe, expect, it } from "vitest"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { CORPUS_THINK, corpusCompletion, corpusRows } from "../src/Corpus.ts"
import { parseCsv } from "../src/Csv.ts"
import { generateCases } from "../src/Generator.ts"
import { completion, promptMessages, SYSTEM_PROMPT, sftUserPrompt, userPrompt } from "../src/Prompt.ts"
import { differentialCandidates, rationale, RATIONALE_STYLES, sftCompletion } from "../src/Rationale.ts"
import { caseSftExample, corpusSftExample } from "../src/Sft.ts"
import { describeConformance } from "../../../test/support/conformance.ts"

const { grouper, labelSpace } = msdrgV34()
// The format reward's regex from shared/paper/NOTES.md (dot matches newline).
const FORMAT = /^\s*<think>.*?<\/think>\s*<answer>(?:(?!<answer>|<\/answer>).)*?<\/answer>\s*$/s

describe("prompts", () => {
  it("builds DRG-Sapphire's user prompt around the note", () => {
    expect(userPrompt("NOTE")).toBe(
      "What is the most likely Medicare Severity Diagnosis Related Group (MS-DRG) based on the following discharge summary of a hospitalization? Provide the complete text description of the DRG code without including the numerical code. \n***NOTE***."
    )
    expect(sftUserPrompt("NOTE").endsWith(userPrompt("NOTE"))).toBe(true)
    expect(sftUserPrompt("NOTE")).toMatch(/MCC/)
    expect(promptMessages("n").map((m) => m.role)).toEqual(["system", "user"])
  })

  it("uses Open-R1's system prompt with the think/answer format", () => {
    expect(SYSTEM_PROMPT).toContain("<think>\n...\n</think>\n<answer>\n...\n</answer>")
  })

  it("writes completions the format reward accepts, with the title inside the answer tags", () => {
    const c = completion("because", "HEART FAILURE AND SHOCK WITH MCC")
    expect(c).toBe("<think>\nbecause\n</think>\n<answer>\nHEART FAILURE AND SHOCK WITH MCC\n</answer>")
    expect(FORMAT.test(c)).toBe(true)
    expect(FORMAT.test(`${c}<answer>x</answer>`)).toBe(false)
  })
})

describeConformance("MS-DRG corpus rows equal DRG-Sapphire's ms_drg_corpora.csv", ["ms_drg_corpora.csv"], (ref) => {
  const reference = (() => {
    const parsed = parseCsv(ref.read("ms_drg_corpora.csv"))
    if (!parsed.ok) throw new Error("reference corpus did not parse")
    return parsed.rows.slice(1).map((r) => ({ prompt: r.fields[0] ?? "", completion: r.fields[1] ?? "" }))
  })()
  const ours = corpusRows(labelSpace)

  it("has DRG-Sapphire's rows: same prompts in the same order, same title lists", () => {
    expect(ours.map((r) => r.prompt)).toEqual(reference.map((r) => r.prompt))
    for (const [i, row] of ours.entries()) {
      const theirs = reference[i]!.completion.split(", ")
      const mine = row.completion.split(", ")
      expect(mine.length, row.prompt).toBe(theirs.length)
      expect(mine, row.prompt).toEqual(theirs)
    }
  })
})

describe("MS-DRG corpus rows", () => {
  const ours = corpusRows(labelSpace)

  it("list every v34 title once overall and once per MDC row", () => {
    const all = ours[0]!.completion.split(", ")
    expect(all).toHaveLength(labelSpace.entries.length)
    expect(new Set(all).size).toBe(all.length)
    const perMdc = ours.slice(1).flatMap((r) => r.completion.split(", "))
    expect(new Set(perMdc).size).toBe(perMdc.length)
    for (const t of perMdc) expect(all).toContain(t)
  })

  it("becomes an SFT completion with the fixed think text", () => {
    const c = corpusCompletion(ours[1]!)
    expect(c.startsWith(`<think>\n${CORPUS_THINK}\n</think>`)).toBe(true)
    expect(FORMAT.test(c)).toBe(true)
    expect(corpusSftExample(ours[0]!, 0).messages[1]?.content).toBe(ours[0]!.prompt)
  })
})

describe("rationales from the grouper trace", () => {
  const cases = [...generateCases(grouper, { n: 150, seed: 5 })]

  it("gives every style in the required format, answering the gold title", () => {
    for (const c of cases) {
      for (const style of RATIONALE_STYLES) {
        const out = sftCompletion(style, c.record, c.result, labelSpace)
        expect(FORMAT.test(out)).toBe(true)
        expect(out.match(/<answer>\n(.*)\n<\/answer>/s)?.[1]).toBe(c.record.title)
      }
    }
  })

  it("answer-first names the title in its first sentence; CoT-first only at the end", () => {
    for (const c of cases) {
      const first = rationale("answer-first", c.record, c.result, labelSpace)
      expect(first.startsWith(`The most likely MS-DRG is ${c.record.title}.`)).toBe(true)
      const cot = rationale("cot-first", c.record, c.result, labelSpace)
      expect(cot.endsWith(` ${c.record.title}.`)).toBe(true)
      // The opening sentences (principal diagnosis, MDC) never state the answer.
      expect(cot.split(". ").slice(0, 2).join(". ")).not.toContain(c.record.title)
      expect(cot).toContain(c.result.family)
      if (c.result.mdc !== null) expect(cot).toContain(`MDC ${c.result.mdc}`)
    }
  })

  it("names the severity drivers from the trace", () => {
    const withMcc = cases.filter((c) => c.result.severity === "MCC" && c.result.tier !== "none")
    expect(withMcc.length).toBeGreaterThan(0)
    for (const c of withMcc) expect(rationale("cot-first", c.record, c.result)).toMatch(/major complication or comorbidity \(MCC\)/)
    // Unsplit groups never claim that a secondary diagnosis changed the DRG.
    for (const c of cases.filter((x) => x.result.tier === "none" && x.record.sdx.length > 0)) {
      const text = rationale("cot-first", c.record, c.result)
      expect(text).toMatch(/no CC\/MCC split/)
      expect(text).not.toMatch(/qualif(y|ies) as/)
    }
  })

  it("explains alive-only MCCs of patients who died as not counting", () => {
    const died = [...generateCases(grouper, { n: 600, seed: 8, difficulty: { easy: 0, medium: 0, hard: 1 } })]
      .filter((c) => c.record.dischargeStatus === "20" && c.result.trace.some((t) => /only if discharged alive/.test(t.decision)))
    expect(died.length).toBeGreaterThan(0)
    for (const c of died) expect(rationale("cot-first", c.record, c.result)).toMatch(/only when the patient is discharged alive; this patient died, so it does not count/)
  })

  it("explains hospital-acquired conditions as ignored for the final DRG", () => {
    const hac = [...generateCases(grouper, { n: 800, seed: 8, difficulty: { easy: 0, medium: 0, hard: 1 } })]
      .filter((c) => c.result.tier !== "none" && c.result.trace.some((t) => t.step === "hac" && t.code !== undefined))
    expect(hac.length).toBeGreaterThan(0)
    for (const c of hac) expect(rationale("cot-first", c.record, c.result)).toMatch(/hospital-acquired condition, so it does not count for the final DRG/)
  })

  it("differential weighs three distinct candidates including the gold", () => {
    for (const c of cases) {
      const cands = differentialCandidates(labelSpace, c.record.drg)
      expect(cands.length).toBe(3)
      expect(new Set(cands.map((x) => x.drg)).size).toBe(3)
      expect(cands[0]?.drg).toBe(c.record.drg)
      const text = rationale("differential", c.record, c.result, labelSpace)
      for (const x of cands) expect(text).toContain(x.title)
      expect(text.endsWith(`the best match is ${c.record.title}.`)).toBe(true)
    }
  })

  it("differential counts the candidates it lists when the label space offers only two", () => {
    const c = cases.find((x) => labelSpace.families.find((f) => f.id === labelSpace.get(x.record.drg)?.familyId)?.drgs.length === 2)!
    expect(c).toBeDefined()
    // The same label space with the case's family alone: no neighbouring family gives a third candidate.
    const family = labelSpace.families.filter((f) => f.id === labelSpace.get(c.record.drg)?.familyId)
    const narrow = { ...labelSpace, families: family }
    expect(differentialCandidates(narrow, c.record.drg)).toHaveLength(2)
    const text = rationale("differential", c.record, c.result, narrow)
    expect(text.startsWith(`Two candidate DRGs fit this summary: `)).toBe(true)
    expect(text.endsWith(`the best match is ${c.record.title}.`)).toBe(true)
  })

  it("builds chat SFT examples (system, SFT user prompt with the note, assistant)", () => {
    const ex = caseSftExample(cases[0]!.record, cases[0]!.result, "cot-first", labelSpace)
    expect(ex.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"])
    expect(ex.messages[1]?.content).toContain(`***${cases[0]!.record.text}***.`)
  })
})
