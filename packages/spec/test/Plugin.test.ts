import { describe, expect, it } from "vitest"
import { compactPlugins, definePlugin, isSpecCompatible, PluginDefinitionError, SPEC_VERSION } from "../src/index.ts"

describe("definePlugin", () => {
  it("fills in and freezes the spec version", () => {
    const p = definePlugin({ name: "x", version: "1.0.0", kind: "reward" })
    expect(p.specVersion).toBe(SPEC_VERSION)
    expect(Object.isFrozen(p)).toBe(true)
  })
  it("rejects an empty name and a non-semver version", () => {
    expect(() => definePlugin({ name: " ", version: "1.0.0", kind: "reward" })).toThrow(PluginDefinitionError)
    expect(() => definePlugin({ name: "x", version: "1.0", kind: "reward" })).toThrow(/semver/)
  })
  it("rejects a plugin written against another spec major or a newer minor", () => {
    expect(() => definePlugin({ name: "x", version: "1.0.0", kind: "reward", specVersion: "2.0.0" })).toThrow(/incompatible/)
    expect(isSpecCompatible("1.0.5")).toBe(true)
    expect(isSpecCompatible("1.99.0")).toBe(false)
    expect(isSpecCompatible("0.9.0")).toBe(false)
  })
  it("drops falsy list entries", () => {
    const p = definePlugin({ name: "x", version: "1.0.0", kind: "reward" })
    expect(compactPlugins([p, false, null, undefined, 0, ""])).toEqual([p])
  })
})
