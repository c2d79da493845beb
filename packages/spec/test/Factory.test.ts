import { describe, expect, it } from "vitest"
import { definePlugin, definePluginFactory, formatIssuePath, PluginOptionsError, type StandardSchemaV1 } from "../src/index.ts"

// A hand-written Standard Schema, so the spec's tests need no schema library.
const schema: StandardSchemaV1<unknown, { readonly scheme: "strict" | "dense" }> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: (value) => {
      const scheme = (value as { scheme?: unknown }).scheme ?? "strict"
      return scheme === "strict" || scheme === "dense"
        ? { value: { scheme } }
        : { issues: [{ message: `expected "strict" | "dense"`, path: ["scheme"] }] }
    }
  }
}

const factory = definePluginFactory(
  { pluginName: "toy-reward", kind: "reward", description: "toy", options: schema },
  (options) =>
    definePlugin({
      name: "toy-reward",
      version: "0.1.0",
      kind: "reward",
      specRange: "^2.0.0",
      range: { min: 0, max: options.scheme === "strict" ? 2 : 1 },
      score: (batch) => batch.map(() => 0)
    })
)

describe("definePluginFactory", () => {
  it("carries its metadata and fills defaults through the schema", () => {
    expect(factory.pluginName).toBe("toy-reward")
    expect(factory.kind).toBe("reward")
    expect(factory().range.max).toBe(2)
    expect(factory({ scheme: "dense" }).range.max).toBe(1)
  })
  it("reports bad options with their path", () => {
    expect(() => factory({ scheme: "loose" } as never)).toThrow(PluginOptionsError)
    expect(() => factory({ scheme: "loose" } as never)).toThrow(`toy-reward options: scheme: expected "strict" | "dense"`)
  })
  it("formats issue paths", () => {
    expect(formatIssuePath(["plugins", 3, { key: "options" }, "scheme"])).toBe("plugins[3].options.scheme")
    expect(formatIssuePath(undefined)).toBe("")
  })
})

describe("definePluginFactory input types", () => {
  // A schema whose input leaves the defaulted field out: callers may omit it, create gets it.
  const partial: StandardSchemaV1<{ readonly scheme?: "strict" | "dense" }, { readonly scheme: "strict" | "dense" }> = {
    "~standard": { version: 1, vendor: "test", validate: (value) => ({ value: { scheme: (value as { scheme?: "strict" | "dense" }).scheme ?? "strict" } }) }
  }
  const made = definePluginFactory({ pluginName: "toy-reward", kind: "reward", description: "toy", options: partial }, (options) =>
    definePlugin({ name: "toy-reward", version: "0.1.0", kind: "reward", specRange: "^2.0.0", range: { min: 0, max: options.scheme === "strict" ? 2 : 1 }, score: (batch) => batch.map(() => 0) })
  )
  it("accepts the schema's input type (fields with defaults left out)", () => {
    expect(made({}).range.max).toBe(2)
    expect(made({ scheme: "dense" }).range.max).toBe(1)
  })
})
