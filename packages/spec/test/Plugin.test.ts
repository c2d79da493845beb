import { describe, expect, it } from "vitest"
import {
  compactPlugins,
  definePlugin,
  orderPlugins,
  PluginDefinitionError,
  SPEC_VERSION,
  specRangeProblem
} from "../src/index.ts"

const reward = (extra: Record<string, unknown> = {}) => ({
  name: "x",
  version: "1.0.0",
  kind: "reward" as const,
  specRange: "^2.0.0",
  range: { min: -1, max: 1 },
  score: () => [],
  ...extra
})

describe("definePlugin", () => {
  it("returns a frozen copy of a valid plugin", () => {
    const p = definePlugin(reward())
    expect(p.name).toBe("x")
    expect(Object.isFrozen(p)).toBe(true)
  })
  it("rejects an empty name and a non-semver version", () => {
    expect(() => definePlugin(reward({ name: " " }))).toThrow(PluginDefinitionError)
    expect(() => definePlugin(reward({ version: "1.0" }))).toThrow(/semver/)
  })
  it("rejects a kind without its hooks: a reward needs score and range", () => {
    const { score: _score, ...noScore } = reward()
    expect(() => definePlugin(noScore as never)).toThrow(/lacks score/)
    expect(() => definePlugin(reward({ score: 3 }))).toThrow(/score must be a function/)
    expect(() => definePlugin(reward({ weight: "2" }))).toThrow(/weight must be a number/)
  })
  it("rejects an unknown kind", () => {
    expect(() => definePlugin(reward({ kind: "rewards" }) as never)).toThrow(/kind must be one of/)
  })
  it("needs one of a curriculum's hooks", () => {
    const base = { name: "c", version: "1.0.0", kind: "curriculum" as const, specRange: "^2.0.0" }
    expect(() => definePlugin(base)).toThrow(/lacks prepare or selectBatch/)
    expect(definePlugin({ ...base, selectBatch: () => [] }).kind).toBe("curriculum")
  })
  it("checks the spec range against this spec", () => {
    expect(SPEC_VERSION).toBe("2.0.0")
    expect(() => definePlugin(reward({ specRange: "^1.0.0" }))).toThrow(/needs spec \^1\.0\.0, but this runtime has spec 2\.0\.0/)
    expect(() => definePlugin(reward({ specRange: "^2.1.0" }))).toThrow(/needs spec/)
    expect(() => definePlugin(reward({ specRange: "two" }))).toThrow(/semver range/)
    expect(specRangeProblem({ name: "y", specRange: ">=1.0.0 <3.0.0" })).toBeUndefined()
    expect(specRangeProblem({ name: "y" })).toMatch(/specRange must be/)
  })
  it("checks apply and enforce", () => {
    expect(() => definePlugin(reward({ apply: ["grpo", "rl"] }))).toThrow(/apply/)
    expect(() => definePlugin(reward({ enforce: "first" }))).toThrow(/enforce/)
  })
  it("drops falsy list entries and orders by enforce", () => {
    const a = definePlugin(reward({ name: "a", enforce: "post" }))
    const b = definePlugin(reward({ name: "b" }))
    const c = definePlugin(reward({ name: "c", enforce: "pre" }))
    expect(compactPlugins([a, false, null, undefined, 0, "", b])).toEqual([a, b])
    expect(orderPlugins([a, b, c]).map((p) => p.name)).toEqual(["c", "b", "a"])
  })
})
