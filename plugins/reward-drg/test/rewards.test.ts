import { labelSpaceV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { PluginOptionsError, type RewardPlugin } from "@sapphire-rl/spec"
import { describe, expect, it } from "vitest"
import pkg from "../package.json" with { type: "json" }
import {
  accuracyReward,
  balancedReward,
  denseReward,
  formatReward,
  PLUGIN_VERSION,
  sapphirePlugins,
  strictReward
} from "../src/index.ts"
import { completion, goldOf, makeContext, rollout } from "./support/context.ts"

const T871 = "SEPTICEMIA OR SEVERE SEPSIS WITHOUT MV >96 HOURS WITH MCC"
const T872 = "SEPTICEMIA OR SEVERE SEPSIS WITHOUT MV >96 HOURS WITHOUT MCC"
const T870 = "SEPTICEMIA OR SEVERE SEPSIS WITH MV >96 HOURS"
const T291 = "HEART FAILURE AND SHOCK WITH MCC"
const T292 = "HEART FAILURE AND SHOCK WITH CC"

const score1 = async (plugin: RewardPlugin, text: string, drg = 871) =>
  (await plugin.score([rollout(text, goldOf(drg))], makeContext()))[0]

describe("the label space the tests rely on", () => {
  it("has the titles used below", () => {
    expect([871, 872, 870, 291, 292].map((d) => labelSpaceV34.get(d)?.title)).toEqual([T871, T872, T870, T291, T292])
  })
})

describe("format-reward", () => {
  const format = formatReward()
  it("is 0 for the think/answer format and −2 otherwise", async () => {
    expect(await score1(format, completion(T871))).toBe(0)
    expect(await score1(format, T871)).toBe(-2)
  })
  it.each([
    ["nested answer tags", `<think>a</think><answer><answer>${T871}</answer></answer>`],
    ["two answer blocks", `<think>a</think><answer>${T871}</answer><answer>${T871}</answer>`],
    ["trailing text after </answer>", `${completion(T871)}\nHope this helps.`],
    ["no think block", `<answer>${T871}</answer>`],
    ["upper-case tags", `<THINK>a</THINK><ANSWER>${T871}</ANSWER>`],
    ["empty string", ""]
  ])("penalizes %s", async (_, text) => {
    expect(await score1(format, text)).toBe(-2)
  })
  it("accepts CRLF line ends and an answer tag inside the reasoning", async () => {
    expect(await score1(format, completion(T871).replaceAll("\n", "\r\n"))).toBe(0)
    expect(await score1(format, completion(T871, `maybe <answer>${T872}</answer>`))).toBe(0)
  })
  it("takes its penalty as an option, and records the format-ok fraction", async () => {
    expect(await score1(formatReward({ penalty: -1 }), "x")).toBe(-1)
    const ctx = makeContext()
    await format.score([rollout("x", goldOf(871)), rollout(completion(T871), goldOf(871))], ctx)
    expect(ctx.metrics.get("format-ok")).toBe(0.5)
  })
})

describe("strict-reward", () => {
  const strict = strictReward()
  it("is 2 / 0 / −1.5 for exact / other valid / invalid, and null without the format", async () => {
    expect(await score1(strict, completion(T871))).toBe(2)
    expect(await score1(strict, completion(T872))).toBe(0)
    expect(await score1(strict, completion("SEPSIS"))).toBe(-1.5)
    expect(await score1(strict, T871)).toBeNull()
  })
  it.each([
    ["nested tags", `<think>a</think><answer><answer>${T871}</answer></answer>`, null],
    ["two answer blocks", `<think>a</think><answer>${T871}</answer><answer>${T871}</answer>`, null],
    ["trailing text after </answer>", `${completion(T871)} thanks`, null],
    ["an empty answer", completion(""), -1.5],
    ["a whitespace-only answer", completion(" \r\n\t "), -1.5],
    ["the gold title inside the reasoning, another in the answer block", completion(T872, `<answer>${T871}</answer>`), 0],
    ["another title inside the reasoning, the gold in the answer block", completion(T871, `<answer>${T872}</answer>`), 2],
    ["CRLF line ends", completion(T871).replaceAll("\n", "\r\n"), 2],
    ["lower case and extra whitespace", completion(`  septicemia or severe   sepsis\r\nwithout mv >96 hours with  mcc `), 2],
    ["the DRG number before the title", completion(`871 ${T871}`), -1.5],
    ["only the DRG number", completion("871"), -1.5],
    ["'MS-DRG 871:' before the title", completion(`MS-DRG 871: ${T871}`), -1.5],
    ["a v35+ title (521 is not a v34 DRG)", completion("HIP REPLACEMENT WITH PRINCIPAL DIAGNOSIS OF HIP FRACTURE WITH MCC"), -1.5],
    ["an abbreviated title (W MCC)", completion("SEPTICEMIA OR SEVERE SEPSIS W/O MV >96 HOURS W MCC"), -1.5],
    ["Cyrillic look-alike letters", completion(T871.replace("SEPTICEMIA", "SЕPTICЕMIА")), -1.5],
    ["full-width letters", completion(T871.replace("MCC", "ＭＣＣ")), -1.5],
    ["a no-break space inside the title (collapsed like any whitespace)", completion(T871.replace(" OR ", "\u00a0OR ")), 2],
    ["a zero-width space inside the title", completion(T871.replace("SEPSIS", "SEP\u200bSIS")), -1.5],
    ["a trailing period", completion(`${T871}.`), -1.5]
  ])("scores %s", async (_, text, expected) => {
    expect(await score1(strict, text)).toBe(expected)
  })
  it("matches the double-spaced v34 titles 640/641 by their single-spaced form", async () => {
    const gold = goldOf(640)
    expect(gold.title).toContain("  ")
    const single = gold.title.replace(/\s+/g, " ")
    expect((await strict.score([rollout(completion(single), gold)], makeContext()))[0]).toBe(2)
  })
  it("records outcome fractions over the well-formed completions", async () => {
    const ctx = makeContext()
    await strict.score([completion(T871), completion(T872), completion("x"), "bad"].map((t) => rollout(t, goldOf(871))), ctx)
    expect(Object.fromEntries(ctx.metrics)).toEqual({ "exact": 1 / 3, "other-valid": 1 / 3, "invalid": 1 / 3 })
  })
})

describe("dense-reward", () => {
  const dense = denseReward()
  it("is 2 / 1.5 / 0.5 / −0.5 / −1.5 for exact / family / tier / other / invalid", async () => {
    expect(await score1(dense, completion(T871))).toBe(2)
    expect(await score1(dense, completion(T872))).toBe(1.5) // same family, other tier
    expect(await score1(dense, completion(T291))).toBe(0.5) // other family, same tier (MCC)
    expect(await score1(dense, completion(T292))).toBe(-0.5)
    expect(await score1(dense, completion("HEART FAILURE"))).toBe(-1.5)
  })
  it("reads family from the correct decomposition: 870 is not 871's family", async () => {
    expect(await score1(dense, completion(T870))).toBe(-0.5)
  })
  it("gives no tier credit for a gold title without a severity split", async () => {
    // 870 has tier none, as has 208; the code's rule gives −0.5 too.
    const t208 = labelSpaceV34.get(208)!.title
    expect(labelSpaceV34.decompose(t208).tier).toBe("none")
    expect(await score1(dense, completion(t208), 870)).toBe(-0.5)
  })
  it("split naive reproduces DRG-Sapphire's substring tests, leaks included", async () => {
    const naive = denseReward({ split: "naive" })
    // gold 871's naive principal "SEPTICEMIA OR SEVERE SEPSIS" is a substring of 870.
    expect(await score1(naive, completion(T870))).toBe(1.5)
    expect(await score1(naive, completion(T872))).toBe(1.5)
    // naive status of 871 is "WITHOUT MV >96 HOURS WITH MCC": not in 291, so no tier credit …
    expect(await score1(naive, completion(T291))).toBe(-0.5)
    // … whereas gold 292's status "WITH CC" is a substring of a CC/MCC title.
    const ccMcc = labelSpaceV34.entries.find((e) => e.tier === "CC-or-MCC" && !e.title.startsWith("HEART FAILURE"))!
    expect(await score1(naive, completion(ccMcc.title), 292)).toBe(0.5)
    expect(await score1(dense, completion(ccMcc.title), 292)).toBe(-0.5)
    // a gold title with no WITH/WITHOUT at all gets no partial credit
    const single = labelSpaceV34.entries.find((e) => !/\bWITH(OUT)?\b/.test(e.title))!
    expect(await score1(naive, completion(T871), single.drg)).toBe(-0.5)
  })
})

describe("balanced-reward", () => {
  const balanced = balancedReward()
  it("is 2 / 1 / 0 / −1.5 for exact / family / any other valid / invalid", async () => {
    expect(await score1(balanced, completion(T871))).toBe(2)
    expect(await score1(balanced, completion(T872))).toBe(1)
    expect(await score1(balanced, completion(T291))).toBe(0)
    expect(await score1(balanced, completion(T292))).toBe(0)
    expect(await score1(balanced, completion(""))).toBe(-1.5)
  })
})

describe("goldMatch substring (DRG-Sapphire's `sol in pred`)", () => {
  it("gives full credit to a title that merely contains the gold title", async () => {
    const gold = labelSpaceV34.entries.find((e) => e.title === "COMPLICATED PEPTIC ULCER WITH MCC")!
    const other = "UNCOMPLICATED PEPTIC ULCER WITH MCC"
    expect(await score1(strictReward(), completion(other), gold.drg)).toBe(0)
    expect(await score1(strictReward({ goldMatch: "substring" }), completion(other), gold.drg)).toBe(2)
  })
})

describe("accuracy-reward and options", () => {
  it("takes the scheme as an option and is named after it", async () => {
    expect(accuracyReward().name).toBe("strict-reward")
    expect(accuracyReward({ scheme: "dense" }).name).toBe("dense-reward")
    expect(await score1(accuracyReward({ scheme: "dense" }), completion(T872))).toBe(1.5)
  })
  it("names the bad field and the expected values", () => {
    expect(() => accuracyReward({ scheme: "loose" } as never)).toThrow(PluginOptionsError)
    expect(() => accuracyReward({ scheme: "loose" } as never)).toThrow(
      `accuracy-reward options: scheme: expected "strict" | "dense" | "balanced", got "loose"`
    )
    expect(() => denseReward({ split: "first-with" } as never)).toThrow(`split: expected "exact" | "naive", got "first-with"`)
    expect(() => strictReward({ sheme: "dense" } as never)).toThrow(`sheme: unknown option; expected one of split, goldMatch`)
    expect(() => formatReward({ penalty: 1 })).toThrow(`penalty: expected a number <= 0, got 1`)
  })
  it("declares the documented ranges", () => {
    expect(formatReward().range).toEqual({ min: -2, max: 0 })
    for (const r of [strictReward(), denseReward(), balancedReward()]) expect(r.range).toEqual({ min: -1.5, max: 2 })
  })
})

describe("the package", () => {
  it("exports its factories with unique short names, and its version is package.json's", () => {
    const names = sapphirePlugins.map((f) => f.pluginName)
    expect(names).toEqual(["format-reward", "accuracy-reward", "strict-reward", "dense-reward", "balanced-reward", "grouper-consistency-reward"])
    for (const f of sapphirePlugins) {
      expect(f.kind).toBe("reward")
      expect(f().version).toBe(pkg.version)
    }
    expect(PLUGIN_VERSION).toBe(pkg.version)
  })
})
