/**
 * Case scenarios the generator samples from: one per medical DRG range of the built-in
 * diagnoses, plus surgical and ventilation scenarios that pair procedures with the principal
 * diagnoses they treat, and the non-O.R. procedures that may accompany a stay.
 */
import { DIAGNOSES } from "./Vocabulary.ts"

/** A way a case can arise: the principal diagnoses it allows and the procedures it adds. */
export interface Scenario {
  readonly id: string
  /** "medical", "surgical" or "ventilation". */
  readonly kind: "medical" | "surgical" | "ventilation"
  readonly pdx: ReadonlyArray<string>
  /** Alternative procedure sets; one is chosen per case (empty for medical scenarios). */
  readonly procedureSets: ReadonlyArray<ReadonlyArray<string>>
  /** Relative frequency under the natural (MIMIC-like) mix. */
  readonly naturalWeight: number
  /** Restricts the sex (e.g. prostate procedures). */
  readonly sex?: "M" | "F"
  /** Planned admissions: complications are rarer (so 470 far outnumbers 469, as in real data). */
  readonly elective?: boolean
}

// Relative admission frequencies of the medical ranges, shaped after the most common DRGs in
// MIMIC-IV (871, 291, 190, 193, 392, 603, 683, 690, 378, 064/065, 280, …); unlisted ranges get 1.
const NATURAL_MEDICAL: Readonly<Record<string, number>> = {
  "870-872": 16, "291-293": 10, "190-192": 6, "193-195": 7, "391-392": 6, "602-603": 5,
  "682-684": 6, "689-690": 5, "377-379": 5, "064-066": 5, "280-282": 4, "177-179": 3, "189": 3,
  "308-310": 4, "312": 2, "313": 2, "640-641": 4, "637-639": 3, "894-897": 4, "885": 3,
  "947-948": 2, "438-440": 3, "432-434": 2, "444-446": 2, "175-176": 2, "070-072": 2,
  "100-101": 2, "811-812": 2, "299-301": 2, "388-390": 2, "917-918": 2
}

const medicalScenarios = (): Array<Scenario> => {
  const byRange = new Map<string, Array<string>>()
  for (const dx of DIAGNOSES.values()) {
    if (!dx.asPdx || dx.drgRange === null) continue
    const list = byRange.get(dx.drgRange) ?? []
    list.push(dx.code)
    byRange.set(dx.drgRange, list)
  }
  return [...byRange.entries()].map(([range, pdx]) => ({
    id: `medical ${range}`,
    kind: "medical" as const,
    pdx: pdx.filter((code) => code !== "N40.1" && code !== "Z51.11"),
    procedureSets: [],
    naturalWeight: NATURAL_MEDICAL[range] ?? 1
  })).filter((s) => s.pdx.length > 0)
}

const surgical = (
  id: string,
  pdx: ReadonlyArray<string>,
  procedureSets: ReadonlyArray<ReadonlyArray<string>>,
  naturalWeight: number,
  kind: "medical" | "surgical" | "ventilation" = "surgical",
  sex?: "M" | "F"
): Scenario => (sex === undefined
  ? { id, kind, pdx, procedureSets, naturalWeight }
  : { id, kind, pdx, procedureSets, naturalWeight, sex })

const AMI = ["I21.4", "I21.09", "I21.19", "I21.3"]
const STROKE = ["I63.9", "I63.511", "I63.412", "I63.50"]

/** Procedure-driven scenarios. */
const PROCEDURE_SCENARIOS: ReadonlyArray<Scenario> = [
  surgical("PCI with DES", [...AMI, "I20.0", "I25.10"], [["027034Z", "4A023N7"], ["027034Z"]], 4),
  surgical("PCI with BMS", [...AMI, "I20.0"], [["02703DZ", "4A023N7"]], 1),
  surgical("PCI without stent", ["I21.4", "I20.0", "I25.10"], [["02703ZZ", "4A023N7"]], 0.7),
  surgical("cardiac cath only", ["I25.10", "I20.0", "R07.9", "I42.9"], [["4A023N7"]], 2),
  surgical("CABG", ["I25.10", "I21.4", "I20.0"], [["021109W"], ["02100Z9", "021109W"], ["021109W", "4A023N7"]], 1.5),
  surgical("TAVR", ["I35.0"], [["02RF38Z"]], 1),
  surgical("open AVR", ["I35.0"], [["02RF0KZ"]], 0.7),
  // A new dual-chamber system: generator with its atrial and ventricular leads (242-244). The
  // generator alone would group as a device replacement (258-259), which these notes do not tell.
  surgical("pacemaker", ["I49.5", "I44.2"], [["0JH606Z", "02H63JZ", "02HK3JZ"]], 1),
  surgical("ablation", ["I48.0", "I48.91", "I48.92", "I47.1"], [["02583ZZ"]], 1),
  surgical("LAA occlusion", ["I48.91", "I48.0"], [["02L73DK"]], 0.5),
  surgical("knee replacement", ["M17.11"], [["0SRC0J9"]], 4),
  surgical("hip replacement", ["M16.11"], [["0SR9019"]], 2),
  surgical("hip fracture replacement", ["S72.001A"], [["0SRR0J9"], ["0SR9019"]], 2),
  surgical("hip fracture fixation", ["S72.141A", "S72.001A"], [["0QS634Z"]], 2),
  surgical("lumbar fusion", ["M48.06"], [["0SG00AJ"]], 1.5),
  surgical("appendectomy", ["K35.80"], [["0DTJ4ZZ"]], 1.5),
  surgical("laparoscopic cholecystectomy", ["K80.00", "K81.0"], [["0FT44ZZ"]], 2),
  surgical("open cholecystectomy", ["K80.00", "K81.0"], [["0FT40ZZ"]], 0.5),
  surgical("colectomy", ["C18.9", "K57.20"], [["0DTN0ZZ"]], 1),
  surgical("thrombolysis", STROKE, [["3E03317"]], 1.5),
  surgical("thrombectomy", STROKE, [["03CG3ZZ"], ["03CG3ZZ", "3E03317"]], 1),
  surgical("endarterectomy", ["I65.21"], [["03CK0ZZ"]], 1),
  surgical("below-knee amputation", ["I70.261", "E11.52"], [["0Y6H0Z1"]], 1),
  surgical("toe amputation", ["E11.52", "I70.261"], [["0Y6P0Z0"]], 1),
  surgical("debridement", ["L03.115"], [["0JBN0ZZ"]], 1),
  surgical("TURP", ["N40.1"], [["0VT08ZZ"]], 1, "surgical", "M"),
  surgical("ureteral stent", ["N20.1"], [["0T768DZ"]], 1),
  surgical("sepsis on the ventilator", ["A41.9", "A41.51", "A41.59"], [["5A1955Z", "0BH17EZ"], ["5A1955Z"]], 2, "ventilation"),
  surgical("respiratory failure on the ventilator", ["J96.01", "J96.02", "J69.0", "J44.1", "J18.9", "J80"], [["5A1955Z", "0BH17EZ"], ["5A1945Z", "0BH17EZ"], ["5A1935Z"]], 2.5, "ventilation"),
  surgical("tracheostomy", ["J96.01", "J96.21", "J69.0", "A41.9"], [["0B110F4", "5A1955Z"], ["0B113F4", "5A1955Z"]], 1, "ventilation"),
  surgical("ECMO", ["J80", "J96.01"], [["5A15223", "5A1955Z"]], 0.3, "ventilation"),
  surgical("chemotherapy admission", ["Z51.11"], [[]], 1, "medical"),
  surgical("BPH", ["N40.1"], [[]], 0.5, "medical", "M")
]

const ELECTIVE: ReadonlySet<string> = new Set([
  "knee replacement", "hip replacement", "lumbar fusion", "TURP", "endarterectomy", "ablation",
  "LAA occlusion", "ureteral stent", "pacemaker", "TAVR", "chemotherapy admission"
])

/** Every scenario of the built-in tables. */
export const SCENARIOS: ReadonlyArray<Scenario> = [
  ...medicalScenarios(),
  ...PROCEDURE_SCENARIOS.map((s) => (ELECTIVE.has(s.id) ? { ...s, elective: true } : s))
]

/** O.R. procedures that hard cases may add as unrelated to the principal diagnosis (→ 981-989). */
export const UNRELATED_OR_PROCEDURES: ReadonlyArray<{ readonly code: string; readonly sex?: "M" }> = [
  { code: "0SRD0J9" },
  { code: "0SRB04Z" },
  { code: "0VT08ZZ", sex: "M" },
  { code: "0FT44ZZ" }
]

/** Principal diagnoses of medical stays to which hard cases may add an unrelated O.R. procedure. */
export const UNRELATED_OR_HOSTS: ReadonlyArray<string> = ["N39.0", "N10", "J18.9", "L03.90", "E86.0", "I50.9", "J44.1"]

/** Non-O.R. procedures and the principal-diagnosis prefixes they go with ("" = any stay). */
export const NON_OR_PROCEDURES: ReadonlyArray<{ readonly code: string; readonly pdxPrefixes: ReadonlyArray<string> }> = [
  { code: "0DJ08ZZ", pdxPrefixes: ["K92", "K25", "K26", "K29", "D62", "K21"] },
  { code: "0DB68ZX", pdxPrefixes: ["K29", "K25", "K92.0"] },
  { code: "0W9G3ZZ", pdxPrefixes: ["K70", "K74", "K65", "K72", "K76"] },
  { code: "0W993ZZ", pdxPrefixes: ["J90", "J91", "I50"] },
  { code: "30233N1", pdxPrefixes: ["K92", "K25", "K26", "K57.31", "K62", "D62", "D64", "D57", "C92"] },
  { code: "02HV33Z", pdxPrefixes: ["A41", "A40", "M86", "M00", "I33", "L03", "N10", "G00"] },
  { code: "009U3ZX", pdxPrefixes: ["G03", "G00", "R41", "G61", "R50"] },
  { code: "0T9B70Z", pdxPrefixes: [""] }
]
