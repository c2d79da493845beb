import { describe, expect, it } from "vitest"
import { boolean, literal, number, numberList, optional, optionsSchema } from "../src/PluginOptions.ts"

// The options helper is copied into every plugin package (plugins import nothing but the
// spec); this is its test.
const schema = optionsSchema(
  {
    scheme: literal(["a", "b"], "a"),
    n: number(3, { min: 1, max: 5, integer: true }),
    rate: optional(number(0, { above: 0 })),
    list: numberList([1], { min: 0 }),
    flag: boolean(false)
  },
  (o) => (o.scheme === "b" && o.n > 2 ? [{ path: "n", message: "expected at most 2 with scheme b" }] : [])
)
const validate = (input: unknown) => schema["~standard"].validate(input)

describe("optionsSchema", () => {
  it("fills defaults for absent fields, from undefined, null or {}", () => {
    const defaults = { scheme: "a", n: 3, rate: undefined, list: [1], flag: false }
    expect(validate(undefined)).toEqual({ value: defaults })
    expect(validate(null)).toEqual({ value: defaults })
    expect(validate({})).toEqual({ value: defaults })
  })
  it("decodes given fields", () => {
    expect(validate({ scheme: "b", n: 2, rate: 0.5, list: [0, 2], flag: true })).toEqual({ value: { scheme: "b", n: 2, rate: 0.5, list: [0, 2], flag: true } })
  })
  it("names every bad field with what it expects and what it got", () => {
    expect(validate({ scheme: "c", n: 2.5, rate: 0, list: [-1], flag: "yes", extra: 1 })).toEqual({
      issues: [
        { path: ["extra"], message: "unknown option; expected one of scheme, n, rate, list, flag" },
        { path: ["scheme"], message: `expected "a" | "b", got "c"` },
        { path: ["n"], message: "expected an integer in [1, 5], got 2.5" },
        { path: ["rate"], message: "expected a number > 0, got 0" },
        { path: ["list"], message: "expected a non-empty array of numbers >= 0, got [-1]" },
        { path: ["flag"], message: `expected true | false, got "yes"` }
      ]
    })
    expect(validate({ n: Number.NaN })).toEqual({ issues: [{ path: ["n"], message: "expected an integer in [1, 5], got NaN" }] })
  })
  it("rejects what is not an options object, and applies the cross-field check after decoding", () => {
    expect(validate([1])).toEqual({ issues: [{ message: "expected an options object, got [1]" }] })
    expect(validate("a")).toEqual({ issues: [{ message: `expected an options object, got "a"` }] })
    expect(validate({ scheme: "b" })).toEqual({ issues: [{ path: ["n"], message: "expected at most 2 with scheme b" }] })
  })
})
