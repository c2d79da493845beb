import { describe, expect, it } from "vitest"
import { isValidRange, satisfiesRange } from "../src/index.ts"

describe("satisfiesRange", () => {
  // Expectations follow npm's semver package for the same inputs.
  const cases: ReadonlyArray<readonly [string, string, boolean]> = [
    ["2.0.0", "^2.0.0", true],
    ["2.9.1", "^2.0.0", true],
    ["3.0.0", "^2.0.0", false],
    ["1.9.9", "^2.0.0", false],
    ["2.0.0", "^2.1.0", false],
    ["0.2.5", "^0.2.0", true],
    ["0.3.0", "^0.2.0", false],
    ["0.0.4", "^0.0.3", false],
    ["2.1.9", "~2.1.0", true],
    ["2.2.0", "~2.1.0", false],
    ["2.5.0", ">=2.0.0 <3.0.0", true],
    ["3.0.0", ">=2.0.0 <3.0.0", false],
    ["2.3.4", "2.x", true],
    ["3.0.0", "2.x", false],
    ["2.0.0", "*", true],
    ["3.1.0", "^2.0.0 || ^3.0.0", true],
    ["2.0.0", "2.0.0", true],
    ["2.0.1", "2.0.0", false],
    ["2.1.0", ">2.0", true],
    ["2.0.9", ">2.0", false],
    ["2.0.9", "<=2.0", true],
    ["2.0.0-beta.1", "^2.0.0", false],
    ["2.0.0-beta.1", "2.0.0-beta.1", true]
  ]
  for (const [version, range, expected] of cases) {
    it(`${version} ${expected ? "satisfies" : "does not satisfy"} ${range}`, () => {
      expect(satisfiesRange(version, range)).toBe(expected)
    })
  }
  it("rejects ranges it cannot parse", () => {
    expect(isValidRange("")).toBe(false)
    expect(isValidRange("^two")).toBe(false)
    expect(isValidRange(">=1.0.0 || ")).toBe(false)
    expect(satisfiesRange("2.0.0", "nonsense")).toBe(false)
  })
})
