/**
 * Built-in v34 DRG logic as data: pre-MDC rules, MDC overrides, medical-partition rules
 * (non-severity splits) and the "… OR X" alternatives written into DRG titles.
 */
import { TRAUMA_SITE_LISTS } from "./lists.ts"
import { all, any, mdc, not, pdx, pdxFamily, proc, sdx, status } from "./conditionBuilders.ts"
import type { FamilyAlternative, MdcRule, MedicalRule, PreMdcRule } from "./types.ts"

/** Pre-MDC rules in hierarchy order (v33/v34). */
export const PRE_MDC_RULES: ReadonlyArray<PreMdcRule> = [
  { id: "heart-transplant", flag: "heart-transplant", when: proc("heart-transplant"), routes: [{ family: "001-002" }] },
  {
    id: "ecmo-or-trach",
    flag: "trach",
    when: any(proc("ecmo"), all(proc("trach"), any(proc("mv>96"), not(pdx("face-mouth-neck"))))),
    routes: [
      { when: proc("ecmo"), family: "003", because: "ECMO" },
      {
        when: { kind: "or-besides", flag: "trach", extensive: true },
        family: "003",
        because: "tracheostomy with MV >96 hours or PDX except face, mouth and neck, with major O.R. procedure"
      },
      { family: "004", because: "tracheostomy with MV >96 hours or PDX except face, mouth and neck, without major O.R. procedure" }
    ]
  },
  { id: "liver-transplant", flag: "liver-transplant", when: proc("liver-transplant"), routes: [{ family: "005-006" }] },
  { id: "lung-transplant", flag: "lung-transplant", when: proc("lung-transplant"), routes: [{ family: "007" }] },
  {
    id: "trach-face-mouth-neck",
    flag: "trach",
    when: all(proc("trach"), pdx("face-mouth-neck")),
    routes: [{ family: "011-013", because: "tracheostomy for face, mouth and neck diagnoses" }]
  }
]

/** Rules that move a case out of its PDX's MDC. */
export const MDC_RULES: ReadonlyArray<MdcRule> = [
  {
    when: all(pdx("trauma:significant"), {
      kind: "distinct-sites",
      lists: Object.keys(TRAUMA_SITE_LISTS),
      min: 2
    }),
    mdc: "24",
    family: "963-965",
    because: "multiple significant trauma: significant injuries of two or more body sites"
  },
  {
    when: all(pdx("hiv-major"), sdx("hiv")),
    mdc: "25",
    family: "977",
    because: "HIV-related principal diagnosis with HIV (B20) as secondary diagnosis"
  }
]

/** Medical-partition rules, first match wins; otherwise the PDX's default family. */
export const MEDICAL_RULES: ReadonlyArray<MedicalRule> = [
  { id: "ama", when: all(pdxFamily("896-897"), status("status:ama")), family: "894", because: "left against medical advice" },
  { id: "rehab", when: all(pdxFamily("896-897"), proc("rehab")), family: "895", because: "with rehabilitation therapy" },
  { id: "sepsis-mv", when: all(pdxFamily("871-872"), proc("mv>96")), family: "870", because: "mechanical ventilation >96 hours" },
  { id: "resp-mv-long", when: all(mdc("04"), proc("mv>96")), family: "207", because: "ventilator support >96 hours" },
  { id: "resp-mv-short", when: all(mdc("04"), proc("mv<=96")), family: "208", because: "ventilator support <=96 hours" },
  {
    id: "stroke-thrombolytic",
    when: all(pdxFamily("064-066"), pdx("ischemic-stroke"), proc("thrombolytic")),
    family: "061-063",
    because: "acute ischemic stroke with thrombolytic agent"
  },
  { id: "ami-expired", when: all(pdxFamily("280-282"), status("status:expired")), family: "283-285", because: "AMI, expired" },
  {
    id: "circulatory-cath",
    when: all(mdc("05"), proc("cath"), not(pdxFamily("280-282"))),
    family: "286-287",
    because: "circulatory disorder except AMI with cardiac catheterization"
  },
  {
    id: "chemo-leukemia",
    when: all(pdxFamily("846-848"), any(sdx("acute-leukemia"), proc("high-dose-chemo"))),
    family: "837-839",
    because: "chemotherapy with acute leukemia as SDX or high-dose chemotherapy agent"
  },
  { id: "esw", when: all(pdxFamily("693-694"), proc("esw")), family: "691-692", because: "with ESW lithotripsy" },
  {
    id: "hiv-major",
    when: all(mdc("25"), any(pdx("hiv-major"), sdx("hiv-major"))),
    family: "974-976",
    because: "HIV with major related condition"
  }
]

/** 246-247 (drug-eluting stent) and 248-249 (other stent): "WITH MCC OR 4+ VESSELS/STENTS". */
const FOUR_PLUS_VESSELS_OR_STENTS: ReadonlyArray<FamilyAlternative> = [
  { when: { kind: "count", attr: "vessels", min: 4 }, severity: "MCC", text: "4+ vessels" },
  { when: { kind: "count", attr: "stents", min: 4 }, severity: "MCC", text: "4+ stents" }
]

/** "… WITH MCC OR X" / "… WITH CC OR X": X raises the severity used for the family. */
export const FAMILY_ALTERNATIVES: Readonly<Record<string, ReadonlyArray<FamilyAlternative>>> = {
  "005-006": [{ when: proc("intestine-transplant"), severity: "MCC", text: "intestinal transplant" }],
  "023-024": [{ when: proc("chemo-implant"), severity: "MCC", text: "chemotherapy implant" }],
  "064-066": [{ when: sdx("tpa-elsewhere"), severity: "CC", text: "tPA in 24 hours (Z92.82)" }],
  "246-247": FOUR_PLUS_VESSELS_OR_STENTS,
  "248-249": FOUR_PLUS_VESSELS_OR_STENTS,
  "837-839": [{ when: proc("high-dose-chemo"), severity: "CC", text: "high-dose chemotherapy agent" }]
}
