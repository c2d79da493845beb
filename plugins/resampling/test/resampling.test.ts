import type { PluginContext, ResamplingPlugin } from "@sapphire-rl/spec"
import { describe, expect, it } from "vitest"
import pkg from "../package.json" with { type: "json" }
import { drawTemperature, dynamicSampling, neutralResampling, positiveResampling, rewardStd, sapphirePlugins } from "../src/index.ts"

const context = (random: () => number = () => 0.5) => {
  const metrics: Array<[string, number]> = []
  const ctx: PluginContext = {
    labelSpace: undefined as never,
    step: 0,
    totalSteps: 1,
    signal: new AbortController().signal,
    metric: (name, value) => void metrics.push([name, value]),
    random,
    countTokens: () => 0
  }
  return { ctx, metrics }
}

// The runtime's loop as the spec states it: generate, decide, and never more than
// maxAttempts generations (the last one is kept). `generate(attempt, temperature)` stands in
// for scoring a new generation of the group. A guard of 1000 makes a runaway loop fail.
const drive = (plugin: ResamplingPlugin, generate: (attempt: number, temperature: number | undefined) => ReadonlyArray<number>, random?: () => number) => {
  const { ctx, metrics } = context(random)
  const temperatures: Array<number | undefined> = []
  let attempt = 1
  let rewards = generate(1, undefined)
  let decisions = 0
  for (;;) {
    if (++decisions > 1000) throw new Error("resampling never stopped")
    const decision = plugin.decide({ exampleId: "e", rewards, attempt }, ctx)
    if (decision.action !== "retry" || attempt >= plugin.maxAttempts) return { attempt, decision: decision.action, temperatures, metrics, rewards }
    attempt++
    temperatures.push(decision.temperature)
    rewards = generate(attempt, decision.temperature)
  }
}

describe("rewardStd and drawTemperature", () => {
  it("std with Bessel's correction, 0 below two values", () => {
    expect(rewardStd([0, 0.1])).toBeCloseTo(0.07071067811865475, 15)
    expect(rewardStd([2])).toBe(0)
  })
  it("draws each temperature for its quarter of [0, 1)", () => {
    const ts = [0.7, 0.8, 0.9, 1.0]
    expect([0, 0.24, 0.25, 0.5, 0.74, 0.75, 0.999999].map((r) => drawTemperature(ts, () => r))).toEqual([0.7, 0.7, 0.8, 0.9, 0.9, 1.0, 1.0])
  })
})

describe("neutral-resampling", () => {
  it("stops at 12 generations of a group that stays flat, keeping the last", () => {
    const r = drive(neutralResampling(), () => [2, 2, 2, 2])
    expect(r.attempt).toBe(12)
    expect(r.decision).toBe("accept") // the plugin itself accepts at its limit
    expect(r.temperatures).toHaveLength(11)
    expect(r.metrics.filter(([n]) => n === "retry-flat")).toHaveLength(11)
    expect(r.metrics.slice(-2)).toEqual([["attempts", 12], ["resolved", 0]])
  })
  it("draws every retry's temperature from the set with the seeded random", () => {
    const draws = [0.1, 0.3, 0.6, 0.9]
    let i = 0
    const r = drive(neutralResampling({ maxAttempts: 5 }), () => [0, 0], () => draws[i++ % draws.length]!)
    expect(r.temperatures).toEqual([0.7, 0.8, 0.9, 1.0])
  })
  it("accepts a group that varies, at once or when a regeneration varies", () => {
    expect(drive(neutralResampling(), () => [0, 2, 0, 0]).attempt).toBe(1)
    const r = drive(neutralResampling(), (attempt) => (attempt < 3 ? [0, 0] : [0, 2]))
    expect(r.attempt).toBe(3)
    expect(r.metrics.slice(-2)).toEqual([["attempts", 3], ["resolved", 1]])
  })
  it("regenerates below the std threshold (0.1) only", () => {
    expect(drive(neutralResampling({ maxAttempts: 2 }), () => [0, 0.1]).attempt).toBe(2) // std 0.0707
    expect(drive(neutralResampling({ maxAttempts: 2 }), () => [0, 0.2]).attempt).toBe(1) // std 0.1414
  })
  it("never regenerates a group of one, which cannot vary", () => {
    const r = drive(neutralResampling(), () => [2])
    expect(r.attempt).toBe(1)
    expect(r.decision).toBe("accept")
  })
  it("names bad options", () => {
    expect(() => neutralResampling({ maxAttempts: 0 })).toThrow("neutral-resampling options: maxAttempts: expected an integer >= 1, got 0")
    expect(() => neutralResampling({ temperatures: [] })).toThrow("temperatures: expected a non-empty array of numbers >= 0, got []")
  })
})

describe("positive-resampling", () => {
  it("also regenerates a varied group where no rollout scored above 0", () => {
    const r = drive(positiveResampling(), (attempt) => (attempt < 4 ? [-1.5, -0.5, 0] : [-1.5, 2]))
    expect(r.attempt).toBe(4)
    expect(r.metrics.filter(([n]) => n === "retry-no-positive")).toHaveLength(3)
  })
  it("stops at its limit on a group that never gets a positive reward", () => {
    expect(drive(positiveResampling(), () => [-2, 0]).attempt).toBe(12)
  })
})

describe("dynamic-sampling", () => {
  it("discards flat groups, keeps varied ones and groups of one, never regenerates", () => {
    const plugin = dynamicSampling()
    const { ctx, metrics } = context()
    expect(plugin.maxAttempts).toBe(1)
    expect(plugin.decide({ exampleId: "a", rewards: [2, 2, 2], attempt: 1 }, ctx)).toEqual({ action: "discard" })
    expect(plugin.decide({ exampleId: "b", rewards: [0, 2, 2], attempt: 1 }, ctx)).toEqual({ action: "accept" })
    expect(plugin.decide({ exampleId: "c", rewards: [5], attempt: 1 }, ctx)).toEqual({ action: "accept" })
    expect(metrics).toEqual([["discarded", 1], ["discarded", 0], ["discarded", 0]])
  })
})

describe("the package", () => {
  it("exports its factories by short name at package.json's version", () => {
    expect(sapphirePlugins.map((f) => f.pluginName)).toEqual(["neutral-resampling", "positive-resampling", "dynamic-sampling"])
    for (const f of sapphirePlugins) expect(f().version).toBe(pkg.version)
  })
})
