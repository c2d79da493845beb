/**
 * The built-in closed-world v34 table set, assembled from the data files of this folder.
 */
import { DIAGNOSIS_ROWS } from "./diagnosisRows.ts"
import { EXCLUSION_COLLECTIONS } from "./exclusions.ts"
import { FAMILY_ROWS } from "./familyRows.ts"
import { HAC_CATEGORIES } from "./hac.ts"
import { NAMED_LISTS } from "./lists.ts"
import { FAMILY_ALTERNATIVES, MDC_RULES, MEDICAL_RULES, PRE_MDC_RULES } from "./logicRules.ts"
import { NON_EXTENSIVE, PROCEDURE_ROWS } from "./procedureRows.ts"
import { SURGICAL_CLASSES, SURGICAL_HIERARCHY } from "./surgicalClasses.ts"
import type { DiagnosisAttributes, FamilyRow, ProcedureAttributes, Tables } from "./types.ts"

/** Valid UB-04 patient discharge status codes. */
export const UB04_STATUSES: ReadonlyArray<string> = [
  "01", "02", "03", "04", "05", "06", "07", "09", "20", "21", "30", "40", "41", "42", "43", "50", "51", "61", "62",
  "63", "64", "65", "66", "69", "70", "81", "82", "83", "84", "85", "86", "87", "88", "89", "90", "91", "92", "93",
  "94", "95"
]

const buildFamilies = (): Map<string, FamilyRow> => {
  const families = new Map<string, FamilyRow>()
  for (const [id, mdc, pattern, mcc, cc, none] of FAMILY_ROWS) {
    const alternatives = FAMILY_ALTERNATIVES[id]
    families.set(id, {
      id,
      mdc,
      pattern,
      byTier: { MCC: mcc, CC: cc, none },
      ...(alternatives === undefined ? {} : { alternatives })
    })
  }
  return families
}

const buildDiagnoses = (): Map<string, DiagnosisAttributes> => {
  const diagnoses = new Map<string, DiagnosisAttributes>()
  for (const [code, mdc, family, level, exclusion] of DIAGNOSIS_ROWS) {
    diagnoses.set(code, { mdc, family, level, ...(exclusion === null ? {} : { exclusion }) })
  }
  return diagnoses
}

const buildProcedures = (): Map<string, ProcedureAttributes> => {
  const procedures = new Map<string, ProcedureAttributes>()
  for (const [code, or, classes, flags, extra] of PROCEDURE_ROWS) {
    procedures.set(code, { or, classes, flags, ...extra })
  }
  return procedures
}

/** Makes the built-in v34 tables (fresh maps, so a loader may merge over them). */
export const builtinTablesV34 = (): Tables => {
  const procedures = buildProcedures()
  return {
    version: "v34",
    source: "built-in v34 tables",
    diagnoses: buildDiagnoses(),
    procedures,
    exclusions: new Map(Object.entries(EXCLUSION_COLLECTIONS)),
    aliveOnlyMcc: new Set(["I462", "I468", "I469", "I4901", "R092", "R570", "R571", "R578"]),
    expiredStatuses: new Set(NAMED_LISTS["status:expired"]),
    validStatuses: new Set(UB04_STATUSES),
    nonExtensive: new Set(NON_EXTENSIVE),
    prostatic: new Set([...procedures].filter(([, p]) => p.flags.includes("prostatic")).map(([code]) => code)),
    families: buildFamilies(),
    classes: new Map(SURGICAL_CLASSES.map((c) => [c.id, c])),
    hierarchy: new Map(Object.entries(SURGICAL_HIERARCHY)),
    preMdc: PRE_MDC_RULES,
    mdcRules: MDC_RULES,
    mdcSex: new Map([["14", "F"]]),
    medicalRules: MEDICAL_RULES,
    unrelated: { extensive: "981-983", prostatic: "984-986", nonExtensive: "987-989" },
    hac: HAC_CATEGORIES,
    lists: new Map(Object.entries(NAMED_LISTS)),
    drgs: new Map()
  }
}
