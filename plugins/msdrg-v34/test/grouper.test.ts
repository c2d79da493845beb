import type { GrouperInput, GrouperResult, SecondaryDiagnosis } from "@sapphire-rl/spec"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { builtinTablesV34, createGrouper, msdrgV34, PLUGIN_VERSION } from "../src/index.ts"
import type { DiagnosisAttributes } from "../src/index.ts"
import { matcherOf } from "../src/grouper/codes.ts"

const grouper = createGrouper()

const kase = (
  pdx: string,
  sdx: ReadonlyArray<SecondaryDiagnosis> = [],
  procedures: ReadonlyArray<string> = [],
  extra: Partial<GrouperInput> = {}
): GrouperInput => ({ pdx, sdx, procedures, age: 65, sex: "M", dischargeStatus: "01", ...extra })

const drgOf = (...args: Parameters<typeof kase>): number => grouper.group(kase(...args)).drg

const decisions = (r: GrouperResult): ReadonlyArray<string> => r.trace.map((t) => t.decision)

/** A grouper over the built-in tables with one diagnosis row added. */
const grouperWithDiagnosis = (code: string, row: DiagnosisAttributes) => {
  const base = builtinTablesV34()
  return createGrouper({ ...base, diagnoses: new Map([...base.diagnoses, [code, row]]) })
}

describe("code patterns", () => {
  it("match exact codes, X* prefixes and X*Y patterns, written dotted or not", () => {
    const m = matcherOf(["I50.23", "n17*", "L89*3"])
    for (const code of ["I5023", "N17", "N179", "L89153", "L8993"]) expect(m.test(code), code).toBe(true)
    for (const code of ["I502", "I50231", "N18", "L89154", "L8913X", "M89153"]) expect(m.test(code), code).toBe(false)
  })
})

describe("validation (DRG 999 with a reason)", () => {
  it.each([
    ["missing PDX", kase(""), /principal diagnosis missing/],
    ["PDX not an ICD-10-CM code", kase("hello"), /not an ICD-10-CM code/],
    ["PDX outside the tables", kase("Q99.9"), /not in the loaded tables/],
    ["SDX-only code as PDX", kase("Z68.41"), /no MDC as principal diagnosis/],
    ["age 125", kase("J18.9", [], [], { age: 125 }), /age/],
    ["age -1", kase("J18.9", [], [], { age: -1 }), /age/],
    ["fractional age", kase("J18.9", [], [], { age: 40.5 }), /age/],
    ["unknown discharge status", kase("J18.9", [], [], { dischargeStatus: "99" }), /discharge status/]
  ])("%s", (_name, input, reason) => {
    const r = grouper.group(input)
    expect(r.drg).toBe(999)
    expect(r.title).toBe("UNGROUPABLE")
    expect(r.error).toMatch(reason)
    expect(r.mdc).toBeNull()
  })

  it("reports an unknown PDX in coverage", () => {
    const r = grouper.group(kase("Q99.9"))
    expect(r.coverage).toEqual({ complete: false, unknownCodes: ["Q999"] })
  })

  it("reads codes dotted or not, in any case, and ignores the PDX repeated as SDX", () => {
    const a = grouper.group(kase("a41.51", ["r65.21"]))
    const b = grouper.group(kase("A4151", ["R6521", "A41.51"]))
    expect(a.drg).toBe(871)
    expect(b.drg).toBe(871)
    expect(decisions(b)).toContain("A41.51 repeats the PDX as SDX: ignored")
  })

  it("ignores blank SDX and procedure slots without calling coverage incomplete", () => {
    const r = grouper.group(kase("J18.9", ["", " ", "N17.9"], [""]))
    expect(r.drg).toBe(194)
    expect(r.coverage).toEqual({ complete: true, unknownCodes: [] })
    expect(decisions(r)).toContain("blank secondary diagnosis ignored")
    expect(decisions(r)).toContain("blank procedure ignored")
  })

  it("groups with unknown SDX and procedures but says so in coverage", () => {
    const r = grouper.group(kase("J18.9", ["R99.X"], ["ZZZZZZZ"]))
    expect(r.drg).toBe(195)
    expect(r.coverage.complete).toBe(false)
    expect(r.coverage.unknownCodes).toEqual(["R99X", "ZZZZZZZ"])
  })

  it("needs sex F for MDC 14 (a table with a maternity code)", () => {
    const g = grouperWithDiagnosis("O80", { mdc: "14", family: "775", level: "none" })
    expect(g.group(kase("O80", [], [], { sex: "F", age: 30 })).drg).toBe(775)
    const male = g.group(kase("O80", [], [], { sex: "M", age: 30 }))
    expect(male.drg).toBe(999)
    expect(male.error).toMatch(/MDC 14 needs sex F/)
  })
})

describe("CC / MCC", () => {
  it("names the code behind the MDC and the MCC in the trace", () => {
    const r = grouper.group(kase("A41.51", ["R65.21"]))
    expect(r.trace).toContainEqual({ step: "mdc", decision: "MDC 18 from principal diagnosis", code: "A41.51" })
    expect(r.trace).toContainEqual({ step: "severity", decision: "R65.21 is an MCC", code: "R65.21" })
    expect(r.severity).toBe("MCC")
  })

  it("excludes a CC with a PDX of the same chain (N17.9 with N17.0; I50.22 with I50.23)", () => {
    const r = grouper.group(kase("N17.0", ["N17.9"]))
    expect(r.drg).toBe(684)
    expect(r.severity).toBe("none")
    expect(decisions(r).some((d) => d.startsWith("N17.9 CC excluded with PDX N17.0"))).toBe(true)
    expect(drgOf("I50.23", ["I50.22"])).toBe(293)
    expect(drgOf("J18.9", ["N17.9"])).toBe(194)
  })

  it("does not count sepsis SDX with a sepsis PDX, but counts R65.21 (severe sepsis)", () => {
    expect(drgOf("A41.9", ["A41.51"])).toBe(872)
    expect(drgOf("A41.9", ["R65.21"])).toBe(871)
  })

  it("counts alive-only MCCs only when the patient was discharged alive", () => {
    expect(drgOf("J18.9", ["R57.0"], [], { dischargeStatus: "01" })).toBe(193)
    const died = grouper.group(kase("J18.9", ["R57.0"], [], { dischargeStatus: "20" }))
    expect(died.drg).toBe(195)
    expect(decisions(died)).toContain("R57.0 is an MCC only if discharged alive; the patient expired")
    // An ordinary MCC still counts when the patient died.
    expect(drgOf("J18.9", ["N17.0"], [], { dischargeStatus: "20" })).toBe(193)
  })

  it("splits 2-way families by their own rule (CC is enough for CC/MCC families, not for MCC families)", () => {
    expect(drgOf("J45.901", ["N17.9"])).toBe(202) // 202-203 WITH CC/MCC
    expect(drgOf("N39.0", ["N17.9"])).toBe(690) // 689-690 WITH MCC / WITHOUT MCC
    expect(drgOf("N39.0", ["G93.41"])).toBe(689)
  })
})

describe("pre-MDC", () => {
  it("ECMO goes to 003", () => {
    expect(drgOf("J18.9", [], ["5A15223"])).toBe(3)
  })
  it("tracheostomy with a PDX outside face/mouth/neck: 003 with a major O.R. procedure, else 004", () => {
    expect(drgOf("J96.01", [], ["0B110F4"])).toBe(4)
    expect(drgOf("J96.01", [], ["0B110F4", "0DTN0ZZ"])).toBe(3)
    // A non-extensive O.R. procedure is not "major".
    expect(drgOf("J96.01", [], ["0B110F4", "0T768DZ"])).toBe(4)
  })
  it("tracheostomy with a face/mouth/neck PDX goes to 011-013 (unless MV >96 hours)", () => {
    const g = grouperWithDiagnosis("C329", { mdc: "03", family: "146-148", level: "CC" })
    expect(g.group(kase("C32.9", [], ["0B113F4"])).drg).toBe(13)
    expect(g.group(kase("C32.9", ["J96.01"], ["0B113F4"])).drg).toBe(11)
    expect(g.group(kase("C32.9", [], ["0B113F4", "5A1955Z"])).drg).toBe(4)
    expect(g.group(kase("C32.9", [], ["0B113F4"])).mdc).toBeNull()
  })
})

describe("MDC choice", () => {
  it("routes significant trauma of two body sites to MDC 24", () => {
    const r = grouper.group(kase("S72.001A", ["S06.5X0A"]))
    expect(r.mdc).toBe("24")
    expect(r.drg).toBe(963) // S06.5X0A is an MCC
    expect(drgOf("S72.001A", ["S06.5X0A"], ["0QS634Z"])).toBe(956)
    expect(drgOf("S72.001A", ["S06.5X0A"], ["0SRD0J9"])).toBe(957)
    // One site only, or a concussion (not significant): stays in MDC 08 / 01.
    expect(drgOf("S72.001A", ["S72.141A"])).toBe(536) // same chain: S72 MCC excluded with S72 PDX
    expect(drgOf("S72.001A", ["S06.0X0A"])).toBe(536)
    expect(drgOf("S06.5X0A", ["S72.001A"])).toBe(963)
  })

  it("routes a code listed under MDC 12 and 13 by sex, and needs the sex", () => {
    const g = grouperWithDiagnosis("A510", {
      mdc: "12",
      family: "727-728",
      level: "none",
      bySex: { M: { mdc: "12", family: "727-728" }, F: { mdc: "13", family: "757-759" } }
    })
    expect(g.group(kase("A51.0", [], [], { sex: "M" })).drg).toBe(728)
    expect(g.group(kase("A51.0", [], [], { sex: "M" })).mdc).toBe("12")
    expect(g.group(kase("A51.0", [], [], { sex: "F" })).mdc).toBe("13")
    expect(g.group(kase("A51.0", [], [], { sex: "F" })).drg).toBe(759)
    const unknown = g.group(kase("A51.0", [], [], { sex: "U" }))
    expect(unknown.drg).toBe(999)
    expect(unknown.error).toMatch(/sex unknown/)
  })

  it("routes an HIV-related PDX with B20 as SDX to MDC 25", () => {
    const r = grouper.group(kase("A15.0", ["B20"]))
    expect(r.mdc).toBe("25")
    expect(r.drg).toBeGreaterThanOrEqual(974)
    expect(r.drg).toBeLessThanOrEqual(976)
    expect(drgOf("A15.0")).toBe(179)
  })
  it("HIV PDX: 977 without, 974-976 with a major related condition", () => {
    expect(drgOf("B20")).toBe(977)
    expect(drgOf("B20", ["A15.0"])).toBe(975)
    expect(drgOf("B20", ["B59"])).toBe(974)
  })
})

describe("surgical partition and hierarchy", () => {
  it("takes the highest class in the MDC, not the first procedure", () => {
    // CABG outranks PCI in MDC 05, whatever the claim order.
    expect(drgOf("I25.10", [], ["027034Z", "021109W"])).toBe(232)
    expect(drgOf("I25.10", [], ["021109W", "027034Z"])).toBe(232)
  })
  it("splits CABG, valves and defibrillators on cardiac catheterization", () => {
    expect(drgOf("I25.10", [], ["021109W", "4A023N7"])).toBe(234)
    expect(drgOf("I25.10", [], ["021109W"])).toBe(236)
    expect(drgOf("I35.0", [], ["02RF0KZ", "4A023N7"])).toBe(218)
    expect(drgOf("I35.0", [], ["02RF0KZ"])).toBe(221)
    expect(drgOf("I35.0", [], ["02RF38Z"])).toBe(267)
    expect(drgOf("I50.23", [], ["0JH608Z", "02HK3KZ", "4A023N7"])).toBe(223)
    expect(drgOf("I47.2", [], ["0JH608Z", "02HK3KZ", "4A023N7"])).toBe(225)
    expect(drgOf("I47.2", [], ["0JH608Z", "02HK3KZ"])).toBe(227)
  })
  it("needs generator and lead together for pacemaker / defibrillator implants", () => {
    expect(drgOf("I44.2", [], ["0JH606Z", "02H63JZ"])).toBe(244)
    expect(drgOf("I44.2", [], ["0JH606Z"])).toBe(259)
    expect(drgOf("I47.2", [], ["0JH608Z"])).toBe(245)
  })
  it("gives 246/248 for 4+ vessels or stents without an MCC", () => {
    expect(drgOf("I25.10", [], ["027034Z"])).toBe(247)
    expect(drgOf("I25.10", [], ["027334Z"])).toBe(246)
    expect(drgOf("I25.10", [], ["027037Z"])).toBe(246)
    expect(drgOf("I25.10", [], ["02733DZ"])).toBe(248)
    expect(drgOf("I25.10", [], ["02703DZ"])).toBe(249)
    expect(drgOf("I25.10", [], ["02703ZZ"])).toBe(251)
    // Counted across codes: 2 + 3 arteries.
    expect(drgOf("I25.10", [], ["027134Z", "027234Z"])).toBe(246)
  })
  it("splits appendectomy, cholecystectomy and joints by their classes", () => {
    expect(drgOf("K35.80", [], ["0DTJ4ZZ"])).toBe(343)
    expect(drgOf("K80.00", [], ["0FT44ZZ"])).toBe(419)
    expect(drgOf("K80.00", [], ["0FT40ZZ"])).toBe(416)
    expect(drgOf("M17.11", ["J96.01"], ["0SRD0J9"])).toBe(469)
    expect(drgOf("S72.141A", [], ["0QS634Z"])).toBe(482)
  })
  it("absorbs any O.R. procedure in MDC 18 (853-855; 856-858 for postoperative infection)", () => {
    expect(drgOf("A41.9", [], ["0SRD0J9"])).toBe(855)
    expect(drgOf("T81.4XXA", [], ["0JBN0ZZ"])).toBe(858)
  })
})

describe("unrelated O.R. procedures (981-989)", () => {
  it("extensive → 981-983, prostatic → 984-986, non-extensive → 987-989", () => {
    expect(drgOf("N39.0", [], ["0SRD0J9"])).toBe(983)
    expect(drgOf("N39.0", ["G93.41"], ["0SRD0J9"])).toBe(981)
    expect(drgOf("J18.9", [], ["0VT08ZZ"])).toBe(986)
    expect(drgOf("J18.9", [], ["0T768DZ"])).toBe(989)
    expect(drgOf("J18.9", ["N17.9"], ["0T768DZ"])).toBe(988)
    // The extensive procedure wins over the others.
    expect(drgOf("J18.9", [], ["0T768DZ", "0VT08ZZ", "0SRD0J9"])).toBe(983)
  })
  it("names the procedure in the trace", () => {
    const r = grouper.group(kase("N39.0", [], ["0SRD0J9"]))
    expect(r.trace).toContainEqual({ step: "unrelated-or", decision: "extensive O.R. procedure unrelated to the PDX", code: "0SRD0J9" })
    expect(r.type).toBe("surgical")
    // The case keeps its MDC (N39.0: 11), though the 981-983 entries have none.
    expect(r.mdc).toBe("11")
  })
  it("keeps non-O.R. procedures medical", () => {
    expect(drgOf("K92.0", [], ["0DJ08ZZ", "30233N1", "02HV33Z"])).toBe(379)
  })
})

describe("non-O.R. procedures and statuses that change the DRG", () => {
  it("ventilation: 870 for sepsis, 207/208 for respiratory PDX", () => {
    expect(drgOf("A41.9", ["J96.01"], ["5A1955Z"])).toBe(870)
    expect(drgOf("J96.01", [], ["5A1955Z"])).toBe(207)
    expect(drgOf("J18.9", [], ["5A1945Z"])).toBe(208)
    expect(drgOf("J18.9", [], ["5A1935Z"])).toBe(208)
    // Ventilation does not move a non-respiratory, non-sepsis PDX.
    expect(drgOf("I50.23", [], ["5A1955Z"])).toBe(293)
  })
  it("thrombolytic for ischemic stroke only", () => {
    expect(drgOf("I63.9", [], ["3E03317"])).toBe(63)
    expect(drgOf("I61.9", [], ["3E03317"])).toBe(66)
  })
  it("cardiac catheterization: 286-287 except AMI, which stays 280-282", () => {
    expect(drgOf("I50.9", [], ["4A023N7"])).toBe(287)
    expect(drgOf("I21.4", [], ["4A023N7"])).toBe(282)
  })
  it("AMI expired → 283-285", () => {
    expect(drgOf("I21.4", [], [], { dischargeStatus: "20" })).toBe(285)
    expect(drgOf("I21.4", ["J81.0"], [], { dischargeStatus: "41" })).toBe(283)
  })
  it("chemotherapy with acute leukemia as SDX or high-dose agent → 837-839", () => {
    expect(drgOf("Z51.11")).toBe(848)
    expect(drgOf("Z51.11", ["C92.00"])).toBe(838)
    expect(drgOf("Z51.11", [], ["3E03302"])).toBe(838)
    expect(drgOf("Z51.11", ["C92.00", "J18.9"])).toBe(837)
  })
  it("ESW lithotripsy for urinary stones → 691-692", () => {
    expect(drgOf("N20.0", [], ["0TF6XZZ"])).toBe(692)
    expect(drgOf("N20.0")).toBe(694)
  })
  it("left AMA → 894 for alcohol/drug PDX only", () => {
    expect(drgOf("F10.239", [], [], { dischargeStatus: "07" })).toBe(894)
    expect(drgOf("J18.9", [], [], { dischargeStatus: "07" })).toBe(195)
  })
  it("tPA in 24 hours (Z92.82) counts as the CC of 065", () => {
    const r = grouper.group(kase("I63.511", ["Z92.82"]))
    expect(r.drg).toBe(65)
    expect(r.severity).toBe("none")
    expect(r.trace).toContainEqual({ step: "split", decision: "tPA in 24 hours (Z92.82) qualifies as CC for this family", code: "Z92.82" })
    expect(drgOf("I63.511", ["Z92.82", "J69.0"])).toBe(64)
  })
})

describe("HAC / POA", () => {
  it("ignores a HAC SDX with POA N or U for the final DRG and reports initial vs final", () => {
    for (const poa of ["N", "U"] as const) {
      const r = grouper.group(kase("M17.11", [{ code: "I26.99", poa }], ["0SRC0J9"]))
      expect(r.drg).toBe(470)
      expect(decisions(r)).toContain("initial DRG 469, final DRG 470")
    }
  })
  it("keeps the SDX with POA Y, W or 1, or without a qualifying procedure", () => {
    for (const poa of ["Y", "W", "1"] as const) {
      expect(drgOf("M17.11", [{ code: "I26.99", poa }], ["0SRC0J9"])).toBe(469)
    }
    expect(drgOf("M17.11", ["I26.99"], ["0SRC0J9"])).toBe(469)
    expect(drgOf("J18.9", [{ code: "I26.99", poa: "N" }])).toBe(193)
  })
  it("reads a code listed twice with different POA the same in any order: HAC-excluded only when every occurrence is N or U", () => {
    const poas = ["Y", "W", "1", undefined, "N", "U"] as const
    const item = (poa: (typeof poas)[number]) => (poa === undefined ? "I26.99" : { code: "I26.99", poa })
    for (const a of poas) {
      for (const b of poas) {
        const excluded = (a === "N" || a === "U") && (b === "N" || b === "U")
        const forward = grouper.group(kase("M17.11", [item(a), item(b)], ["0SRC0J9"]))
        const reverse = grouper.group(kase("M17.11", [item(b), item(a)], ["0SRC0J9"]))
        expect([forward.drg, reverse.drg], `${a} ${b}`).toEqual(excluded ? [470, 470] : [469, 469])
      }
    }
    expect(decisions(grouper.group(kase("M17.11", [{ code: "I26.99", poa: "U" }, { code: "I26.99", poa: "Y" }], ["0SRC0J9"]))))
      .toContain("I26.99 reported twice with POA U and Y: read as POA=Y (HAC-excluded only when every occurrence is N or U)")
  })
  it("applies HACs without procedure conditions (stage 4 pressure ulcer)", () => {
    expect(drgOf("J18.9", [{ code: "L89.154", poa: "N" }])).toBe(195)
    expect(drgOf("J18.9", [{ code: "L89.154", poa: "Y" }])).toBe(193)
  })
})

describe("results", () => {
  it("describe the DRG in the label space's words", () => {
    const r = grouper.group(kase("I50.33", ["N17.9"]))
    expect(r).toMatchObject({
      drg: 292,
      title: "HEART FAILURE AND SHOCK WITH CC",
      mdc: "05",
      type: "medical",
      severity: "CC",
      family: "HEART FAILURE AND SHOCK",
      tier: "CC"
    })
  })
  it("come from the plugin factory too", () => {
    const plugin = msdrgV34()
    expect(plugin.kind).toBe("grouper")
    expect(plugin.name).toBe("@sapphire-rl/plugin-msdrg-v34")
    expect(plugin.labelSpace.version).toBe("v34")
    expect(plugin.grouper.group(kase("N10")).drg).toBe(690)
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    expect(plugin.version).toBe(pkg.version)
    expect(PLUGIN_VERSION).toBe(pkg.version)
  })
  it("the plugin factory groups over the tables it is given", () => {
    const tables = { ...builtinTablesV34(), version: "v34-test", diagnoses: new Map() }
    const plugin = msdrgV34({ tables })
    expect(plugin.grouper.version).toBe("v34-test")
    expect(plugin.grouper.group(kase("N10")).error).toMatch(/not in the loaded tables/)
    expect(msdrgV34().grouper.version).toBe("v34")
  })
})
