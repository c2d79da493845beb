import type { PluginContext, ProbeResult } from "@sapphire-rl/spec"
import { describe, expect, it } from "vitest"
import pkg from "../package.json" with { type: "json" }
import { easyToHard, onlineDifficulty, removeBoth, removeEasy, removeHard, sapphirePlugins } from "../src/index.ts"

const context = () => {
  const metrics = new Map<string, number>()
  const ctx: PluginContext = {
    labelSpace: undefined as never,
    step: 0,
    totalSteps: 1,
    signal: new AbortController().signal,
    metric: (n, v) => void metrics.set(n, v),
    random: () => 0.5,
    countTokens: () => 0
  }
  return { ctx, metrics }
}

// Total reward = format + strict accuracy: 2 correct, 0 other valid title, −1.5 invalid, −2 bad format.
const bounds = { min: -3.5, max: 2 }
const probe = new Map<string, ProbeResult>(
  Object.entries({
    easy: [2, 2, 2, 2],
    hard: [0, -1.5, 0, -2],
    flatZero: [0, 0, 0, 0],
    mixed: [2, 0, 0, -1.5],
    almost: [2, 2, 2, 1.9],
    empty: []
  }).map(([id, rewards]) => [id, { exampleId: id, rewards }])
)
const ids = ["mixed", "easy", "unprobed", "hard", "almost", "flatZero", "empty"]

describe("static filters", () => {
  it("remove-easy drops the examples all of whose samples scored the maximum", () => {
    const { ctx, metrics } = context()
    expect(removeEasy().prepare!(ids, probe, bounds, ctx)).toEqual(["mixed", "unprobed", "hard", "almost", "flatZero", "empty"])
    expect(Object.fromEntries(metrics)).toEqual({ "removed-easy": 1, "removed-hard": 0, "kept": 6 })
  })
  it("remove-hard drops the examples none of whose samples scored above 0", () => {
    expect(removeHard().prepare!(ids, probe, bounds, context().ctx)).toEqual(["mixed", "easy", "unprobed", "almost", "empty"])
  })
  it("remove-both drops both, keeping order, unprobed and sampleless examples", () => {
    expect(removeBoth().prepare!(ids, probe, bounds, context().ctx)).toEqual(["mixed", "unprobed", "almost", "empty"])
  })
  it("thresholds are options", () => {
    const ctx = context().ctx
    expect(removeEasy({ easyTolerance: 0.1 }).prepare!(ids, probe, bounds, ctx)).not.toContain("almost")
    // dense-style: hard = nothing above −0.5
    expect(removeHard({ hardAtMost: -0.5 }).prepare!(ids, probe, bounds, ctx)).toEqual(["mixed", "easy", "unprobed", "hard", "almost", "flatZero", "empty"])
    expect(removeHard({ hardAtMost: -0.5 }).prepare!(["x"], new Map([["x", { exampleId: "x", rewards: [-0.5, -2] }]]), bounds, ctx)).toEqual([])
    expect(removeBoth({ samples: 4 }).probe).toEqual({ samples: 4 })
    expect(removeBoth().probe).toEqual({ samples: 8 })
  })
})

describe("easy-to-hard", () => {
  it("orders by mean probe reward, highest first, unprobed and sampleless last in their order", () => {
    // means: easy 2, almost 1.975, mixed 0.125, flatZero 0, hard −0.875
    expect(easyToHard().prepare!(ids, probe, bounds, context().ctx)).toEqual(["easy", "almost", "mixed", "flatZero", "hard", "unprobed", "empty"])
  })
  it("keeps the input order among ties", () => {
    const tie = new Map<string, ProbeResult>([["b", { exampleId: "b", rewards: [1] }], ["a", { exampleId: "a", rewards: [1] }]])
    expect(easyToHard().prepare!(["b", "a"], tie, bounds, context().ctx)).toEqual(["b", "a"])
  })
})

describe("online-difficulty", () => {
  const groups = [
    { exampleId: "none", rewards: [0, 0, 0, 0, 0, 0, 0, 0], attempt: 1 },
    { exampleId: "one", rewards: [2, 0, 0, 0, 0, 0, 0, 0], attempt: 1 },
    { exampleId: "seven", rewards: [2, 2, 2, 2, 2, 2, 2, 0], attempt: 1 },
    { exampleId: "all", rewards: [2, 2, 2, 2, 2, 2, 2, 2], attempt: 1 },
    { exampleId: "half", rewards: [2, -1.5], attempt: 1 }
  ]
  it("keeps the groups whose pass rate lies in [0.1, 0.9]", () => {
    const { ctx, metrics } = context()
    expect(onlineDifficulty().selectBatch!(groups, bounds, ctx)).toEqual(["one", "seven", "half"])
    expect(metrics.get("kept")).toBe(3 / 5)
  })
  it("takes its band as options and checks it", () => {
    expect(onlineDifficulty({ minPassRate: 0.2, maxPassRate: 0.5 }).selectBatch!(groups, bounds, context().ctx)).toEqual(["half"])
    expect(() => onlineDifficulty({ minPassRate: 0.8, maxPassRate: 0.5 })).toThrow("online-difficulty options: maxPassRate: expected a number >= minPassRate (0.8), got 0.5")
  })
})

describe("the package", () => {
  it("exports its factories by short name at package.json's version", () => {
    expect(sapphirePlugins.map((f) => f.pluginName)).toEqual(["remove-easy", "remove-hard", "remove-both", "easy-to-hard", "online-difficulty"])
    for (const f of sapphirePlugins) expect(f().version).toBe(pkg.version)
  })
})
