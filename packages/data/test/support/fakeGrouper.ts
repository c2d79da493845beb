/**
 * A stand-in grouper for tests that exercise sampling and rendering only: it answers the first
 * DRG of the principal diagnosis's expected range. The label checks use the real v34 grouper.
 */
import type { Grouper, GrouperInput, GrouperResult } from "@sapphire-rl/spec"
import { DIAGNOSES } from "../../src/Vocabulary.ts"

export const fakeGrouper: Grouper = {
  version: "fake",
  group: (input: GrouperInput): GrouperResult => {
    const range = DIAGNOSES.get(input.pdx)?.drgRange ?? "999"
    const drg = Number(range.slice(0, 3))
    return {
      drg,
      title: `FAKE TITLE ${drg}`,
      mdc: DIAGNOSES.get(input.pdx)?.mdc ?? null,
      type: "medical",
      severity: "none",
      family: `FAKE FAMILY ${range}`,
      tier: "none",
      trace: [{ step: "drg", decision: `fake ${drg}` }],
      coverage: { complete: true, unknownCodes: [] }
    }
  }
}
