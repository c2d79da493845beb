import { labelSpaceV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { parseCompletion, type PluginContext, type Rollout } from "@sapphire-rl/spec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import pkg from "../package.json" with { type: "json" }
import { answerFirst, cotFirst, cotFirstPenalty, differentialThinking, sapphirePlugins, tokenPrefix } from "../src/index.ts"

// A whitespace tokenizer stands in for the policy's: one token per word.
const countTokens = (text: string) => text.split(/\s+/).filter((t) => t !== "").length
const context = () => {
  const metrics = new Map<string, number>()
  const ctx: PluginContext = {
    labelSpace: labelSpaceV34,
    step: 0,
    totalSteps: 1,
    signal: new AbortController().signal,
    metric: (n, v) => void metrics.set(n, v),
    random: () => 0.5,
    countTokens
  }
  return { ctx, metrics }
}
const rollout = (text: string): Rollout => ({ exampleId: "e", sampleIndex: 0, gold: { drg: 871, title: T871 }, text, tokens: 1, finishReason: "stop", policyVersion: 0 })

const T871 = "SEPTICEMIA OR SEVERE SEPSIS WITHOUT MV >96 HOURS WITH MCC" // 10 words
const T291 = "HEART FAILURE AND SHOCK WITH MCC"
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ")
const completion = (think: string, answer = T871) => `<think>\n${think}\n</think>\n<answer>\n${answer}\n</answer>`

describe("tokenPrefix", () => {
  it("is the longest prefix of at most `window` tokens", () => {
    expect(tokenPrefix("a b c d e", 3, countTokens)).toBe("a b c ")
    expect(tokenPrefix("a b", 3, countTokens)).toBe("a b")
    expect(countTokens(tokenPrefix(words(200), 50, countTokens))).toBe(50)
  })
})

describe("cot-first-penalty", () => {
  const score = async (think: string, options = {}, answer = T871) => {
    const { ctx } = context()
    return (await cotFirstPenalty(options).score([rollout(completion(think, answer))], ctx))[0]
  }
  it("penalizes the answer within the first 50 reasoning tokens", async () => {
    expect(await score(`The DRG is ${T871.toLowerCase()}. ${words(100)}`)).toBe(-1)
    expect(await score(`${words(40)} ${T871} ${words(10)}`)).toBe(-1) // tokens 41-50
  })
  it("does not penalize it after them, nor one that only starts inside them", async () => {
    expect(await score(`${words(60)} so ${T871}`)).toBe(0)
    expect(await score(`${words(41)} ${T871}`)).toBe(0) // tokens 42-51
  })
  it("matches the answer across line breaks and case, but not another title unless asked", async () => {
    expect(await score(`septicemia or severe sepsis\r\nwithout mv >96 hours with mcc ${words(80)}`)).toBe(-1)
    expect(await score(`maybe ${T291}? ${words(80)}`)).toBe(0)
    expect(await score(`maybe ${T291}? ${words(80)}`, { match: "any-title" })).toBe(-1)
  })
  it("is null without the format and 0 for an empty answer", async () => {
    const { ctx } = context()
    expect(await cotFirstPenalty().score([rollout(`${T871}`)], ctx)).toEqual([null])
    expect(await score("", {}, "")).toBe(0)
  })
  it("takes window and penalty as options, and records the early fraction", async () => {
    expect(await score(`${words(60)} ${T871}`, { window: 80, penalty: -0.5 })).toBe(-0.5)
    const { ctx, metrics } = context()
    await cotFirstPenalty().score([rollout(completion(T871)), rollout(completion(words(60))), rollout("bad")], ctx)
    expect(metrics.get("early")).toBe(0.5)
    expect(() => cotFirstPenalty({ window: 0 })).toThrow("cot-first-penalty options: window: expected an integer >= 1, got 0")
  })
  it("stays within [penalty, 0] for any string", async () => {
    const plugin = cotFirstPenalty()
    const { ctx } = context()
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.tuple(fc.string(), fc.constantFrom(T871, T291, "")).map(([t, a]) => completion(t, a))), async (text) => {
        const [s] = await plugin.score([rollout(text)], ctx)
        if (s !== null) expect(s === 0 || s === -1).toBe(true)
      }),
      { numRuns: 300 }
    )
  })
})

describe("behaviours", () => {
  it("answer-first opens the reasoning with the DRG and keeps the format", () => {
    const text = answerFirst().formatCompletion!("Sepsis with septic shock and AKI.", T871)
    expect(text).toBe(`<think>\nThe most likely MS-DRG is ${T871}.\nSepsis with septic shock and AKI.\n</think>\n<answer>\n${T871}\n</answer>`)
    expect(parseCompletion(text)).toMatchObject({ ok: true, normalizedAnswer: T871 })
    expect(answerFirst({ lead: "DRG: {answer}" }).formatCompletion!("why", "X")).toContain("<think>\nDRG: X\nwhy\n</think>")
    expect(() => answerFirst({ lead: "no placeholder" })).toThrow(`lead: expected a string containing "{answer}", got "no placeholder"`)
  })
  it("answer-first rationales are what the CoT-first penalty penalizes, CoT-first ones are not", async () => {
    const { ctx } = context()
    const penalty = cotFirstPenalty()
    const why = words(80)
    expect(await penalty.score([rollout(answerFirst().formatCompletion!(why, T871)), rollout(cotFirst().formatCompletion!(why, T871))], ctx)).toEqual([-1, 0])
  })
  it("each behaviour names its rationale style and asks for the think/answer tags", () => {
    const plugins = [answerFirst(), cotFirst(), differentialThinking()]
    expect(plugins.map((p) => p.rationaleStyle)).toEqual(["answer-first", "cot-first", "differential"])
    for (const p of plugins) expect(p.systemPrompt).toMatch(/<think>.*<answer>/s)
    expect(differentialThinking({ candidates: 4 }).systemPrompt).toContain("name 4 candidate MS-DRGs")
    expect(cotFirst().formatCompletion!(" why ", ` ${T291} `)).toBe(`<think>\nwhy\n</think>\n<answer>\n${T291}\n</answer>`)
  })
})

describe("the package", () => {
  it("exports its factories by short name at package.json's version", () => {
    expect(sapphirePlugins.map((f) => `${f.kind}:${f.pluginName}`)).toEqual([
      "behaviour:answer-first",
      "behaviour:cot-first",
      "reward:cot-first-penalty",
      "behaviour:differential-thinking"
    ])
    for (const f of sapphirePlugins) expect(f().version).toBe(pkg.version)
  })
})
