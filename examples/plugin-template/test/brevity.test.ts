import { describe, expect, it } from "vitest"
import { brevityReward, sapphirePlugins } from "../src/index.ts"

const rollout = (tokens: number) => ({
  exampleId: "e",
  sampleIndex: 0,
  gold: { drg: 291, title: "HEART FAILURE AND SHOCK WITH MCC" },
  text: "",
  tokens,
  finishReason: "stop" as const,
  policyVersion: 0
})

describe("brevity-reward (the plugin template)", () => {
  it("is 0 within the budget and falls by perToken beyond it, floored at -1", async () => {
    const reward = brevityReward({ budget: 10, perToken: 0.1 })
    const ctx = {} as never // this reward reads nothing from the context
    expect(await reward.score([rollout(3), rollout(10), rollout(12), rollout(500)], ctx)).toEqual([0, 0, -0.2, -1])
  })
  it("fills defaults and rejects bad options with their field", () => {
    expect(brevityReward().range).toEqual({ min: -1, max: 0 })
    expect(() => brevityReward({ budget: -1, perToken: 0 })).toThrow("brevity-reward options: budget: expected a non-negative integer")
  })
  it("exports its factories for runtimes that load it by package name", () => {
    expect(sapphirePlugins.map((f) => f.pluginName)).toEqual(["brevity-reward"])
  })
})
