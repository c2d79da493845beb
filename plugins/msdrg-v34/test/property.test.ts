import type { GrouperInput } from "@sapphire-rl/spec"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { builtinTablesV34, createGrouper, dotted, labelSpaceV34 } from "../src/index.ts"

const tables = builtinTablesV34()
const grouper = createGrouper(tables)
const dxCodes = [...tables.diagnoses.keys()]
const pcsCodes = [...tables.procedures.keys()]
const statuses = [...tables.validStatuses]

/** A code from the tables, written dotted or not, in either case; or noise. */
const dx = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...dxCodes) },
  { weight: 2, arbitrary: fc.constantFrom(...dxCodes).map((c) => dotted(c).toLowerCase()) },
  { weight: 1, arbitrary: fc.string({ maxLength: 9 }) }
)
const pcs = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...pcsCodes) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) })
const poa = fc.constantFrom("Y", "N", "U", "W", "1")

const validCase: fc.Arbitrary<GrouperInput> = fc.record({
  pdx: fc.constantFrom(...dxCodes),
  sdx: fc.array(fc.oneof(dx, fc.record({ code: dx, poa })), { maxLength: 8 }),
  procedures: fc.array(pcs, { maxLength: 5 }),
  age: fc.integer({ min: 0, max: 124 }),
  sex: fc.constantFrom("M", "F", "U"),
  dischargeStatus: fc.constantFrom(...statuses)
}) as fc.Arbitrary<GrouperInput>

/** Anything at all in every field, to check that `group` never throws. */
const hostileCase = fc.record({
  pdx: fc.anything(),
  sdx: fc.oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 4 })),
  procedures: fc.oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 4 })),
  age: fc.anything(),
  sex: fc.anything(),
  dischargeStatus: fc.anything()
}) as unknown as fc.Arbitrary<GrouperInput>

describe("grouper properties (fast-check)", () => {
  it("never throws, and every result is a catalog DRG or 999", () => {
    fc.assert(
      fc.property(fc.oneof(validCase, hostileCase), (input) => {
        const r = grouper.group(input)
        const entry = labelSpaceV34.get(r.drg)
        expect(entry).toBeDefined()
        expect(r.title).toBe(entry?.title)
        if (r.drg === 999) expect(typeof r.error).toBe("string")
        else expect(r.error).toBeUndefined()
      }),
      { numRuns: 1500 }
    )
  })

  it("valid cases with a known PDX always group (never 999)", () => {
    const knownPdx = dxCodes.filter((c) => tables.diagnoses.get(c)?.mdc !== null && tables.diagnoses.get(c)?.family !== null)
    fc.assert(
      fc.property(validCase, fc.constantFrom(...knownPdx), (input, pdx) => {
        const r = grouper.group({ ...input, pdx })
        expect(r.drg, JSON.stringify(r.error)).not.toBe(999)
        expect(r.severity).toMatch(/^(MCC|CC|none)$/)
      }),
      { numRuns: 800 }
    )
  })

  it("does not depend on the order of SDX or procedures", () => {
    fc.assert(
      fc.property(validCase, (input) => {
        const reversed = { ...input, sdx: [...input.sdx].reverse(), procedures: [...input.procedures].reverse() }
        expect(grouper.group(reversed).drg).toBe(grouper.group(input).drg)
      }),
      { numRuns: 500 }
    )
  })

  it("never lowers the DRG's severity when an SDX is added without POA (no HAC)", () => {
    const rank = { none: 0, CC: 1, MCC: 2 } as const
    fc.assert(
      fc.property(validCase, fc.constantFrom(...dxCodes), (input, extra) => {
        const sdx = input.sdx.map((s) => (typeof s === "string" ? s : s.code))
        const before = grouper.group({ ...input, sdx })
        const after = grouper.group({ ...input, sdx: [...sdx, extra] })
        if (before.drg === 999 || after.drg === 999) return
        expect(rank[after.severity]).toBeGreaterThanOrEqual(rank[before.severity])
      }),
      { numRuns: 500 }
    )
  })
})
