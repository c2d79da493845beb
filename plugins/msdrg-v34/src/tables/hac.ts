/**
 * Built-in hospital-acquired conditions (Appendix I, the categories the seed codes touch).
 * With POA = N or U, a HAC secondary diagnosis does not count for the final DRG.
 */
import type { HacCategory } from "./types.ts"

const HIP_KNEE_REPLACEMENT = [
  "0SR9*", "0SRA*", "0SRB*", "0SRC*", "0SRD*", "0SRE*", "0SRR*", "0SRS*", "0SRT*", "0SRU*", "0SRV*", "0SRW*",
  "0SU90BZ", "0SUA0BZ", "0SUB0BZ", "0SUE0BZ", "0SUR0BZ", "0SUS0BZ"
]

/** The built-in HAC categories. */
export const HAC_CATEGORIES: ReadonlyArray<HacCategory> = [
  {
    id: "04",
    title: "stage III and IV pressure ulcers",
    sdx: ["L89*3", "L89*4"]
  },
  { id: "06", title: "catheter-associated urinary tract infection", sdx: ["T8351XA", "T83511A", "T83518A"] },
  {
    id: "07",
    title: "vascular catheter-associated infection",
    sdx: ["T80211A", "T80212A", "T80218A", "T80219A", "T827XXA"]
  },
  {
    id: "09",
    title: "manifestations of poor glycemic control",
    sdx: ["E0800", "E0801", "E0810", "E0900", "E0901", "E0910", "E1010", "E1011", "E1100", "E1101", "E1110", "E1111", "E1300", "E1301", "E1310", "E15"]
  },
  {
    id: "10",
    title: "DVT / pulmonary embolism with total knee or hip replacement",
    sdx: ["I26*", "I824*"],
    procedures: HIP_KNEE_REPLACEMENT
  }
]
