import type { PluginContext } from "@sapphire-rl/spec"
import { describe, expect, it } from "vitest"
import pkg from "../package.json" with { type: "json" }
import { failedCases, sapphirePlugins, stagedDpo, stagedSft } from "../src/index.ts"

const ctx = { step: 0, totalSteps: 1 } as PluginContext
const bounds = { min: -3.5, max: 2 }
const probe = [
  { exampleId: "solved", rewards: [2, 0, 0] },
  { exampleId: "failed", rewards: [0, -1.5, -2] },
  { exampleId: "unsampled", rewards: [] },
  { exampleId: "failed2", rewards: [0, 0, 0] }
]

describe("staged-sft", () => {
  it("runs SFT (3 epochs) after each of 3 phases but the last", () => {
    const stage = stagedSft()
    expect(stage.phases).toBe(3)
    expect(stage.probe).toEqual({ samples: 8 })
    expect([0, 1, 2, 3, -1, 0.5].map((p) => stage.between(p, ctx))).toEqual([
      { kind: "sft", epochs: 3 },
      { kind: "sft", epochs: 3 },
      { kind: "none" },
      { kind: "none" },
      { kind: "none" },
      { kind: "none" }
    ])
  })
  it("picks the cases no probe sample got right", () => {
    expect(stagedSft().selectCases!(probe, bounds)).toEqual(["failed", "failed2"])
    expect(stagedSft({ hardAtMost: -1 }).selectCases!(probe, bounds)).toEqual([])
    expect(failedCases(probe, 0)).toEqual(["failed", "failed2"])
  })
  it("takes phases, epochs and learning rate as options", () => {
    const stage = stagedSft({ phases: 4, epochs: 1, learningRate: 1e-6 })
    expect(stage.phases).toBe(4)
    expect(stage.between(2, ctx)).toEqual({ kind: "sft", epochs: 1, learningRate: 1e-6 })
    expect(() => stagedSft({ phases: 1 })).toThrow("staged-sft options: phases: expected an integer >= 2, got 1")
    expect(() => stagedSft({ learningRate: 0 })).toThrow("learningRate: expected a number > 0, got 0")
  })
})

describe("staged-dpo", () => {
  it("runs DPO with β between phases", () => {
    expect(stagedDpo().between(0, ctx)).toEqual({ kind: "dpo", epochs: 3, beta: 0.1 })
    expect(stagedDpo({ beta: 0.05 }).between(1, ctx)).toEqual({ kind: "dpo", epochs: 3, beta: 0.05 })
    expect(stagedDpo().between(2, ctx)).toEqual({ kind: "none" })
  })
})

describe("the package", () => {
  it("exports its factories by short name at package.json's version", () => {
    expect(sapphirePlugins.map((f) => f.pluginName)).toEqual(["staged-sft", "staged-dpo"])
    for (const f of sapphirePlugins) expect(f().version).toBe(pkg.version)
  })
})
