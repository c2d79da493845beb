/**
 * Built-in v34 surgical classes (Appendix E: procedure → class) and the surgical
 * hierarchy per MDC (Appendix D: classes highest first). Each class routes to a family,
 * possibly through conditions ("with cardiac catheterization", "PDX of hip fracture").
 */
import { all, any, pdx, proc, sdx } from "./conditionBuilders.ts"
import type { SurgicalClass } from "./types.ts"

/** The built-in surgical classes. */
export const SURGICAL_CLASSES: ReadonlyArray<SurgicalClass> = [
  // MDC 01
  {
    id: "01:craniotomy",
    mdc: "01",
    title: "craniotomy and endovascular intracranial procedures",
    routes: [
      { when: pdx("acute-complex-cns"), family: "023-024", because: "acute complex CNS principal diagnosis" },
      { family: "025-027" }
    ]
  },
  { id: "01:extracranial", mdc: "01", title: "extracranial procedures", routes: [{ family: "037-039" }] },
  // MDC 05
  {
    id: "05:valve",
    mdc: "05",
    title: "cardiac valve and other major cardiothoracic procedures",
    routes: [
      { when: proc("cath"), family: "216-218", because: "with cardiac catheterization" },
      { family: "219-221", because: "without cardiac catheterization" }
    ]
  },
  { id: "05:tavr", mdc: "05", title: "endovascular cardiac valve replacement", routes: [{ family: "266-267" }] },
  {
    id: "05:defibrillator",
    mdc: "05",
    title: "cardiac defibrillator implant (generator with lead)",
    requires: proc("defib-lead"),
    routes: [
      {
        when: all(proc("cath"), any(pdx("ami-hf-shock"), sdx("ami-hf-shock"))),
        family: "222-223",
        because: "with cardiac catheterization, with AMI/HF/shock"
      },
      { when: proc("cath"), family: "224-225", because: "with cardiac catheterization, without AMI/HF/shock" },
      { family: "226-227", because: "without cardiac catheterization" }
    ]
  },
  {
    id: "05:cabg",
    mdc: "05",
    title: "coronary bypass",
    routes: [
      { when: proc("ptca"), family: "231-232", because: "with PTCA" },
      { when: proc("cath"), family: "233-234", because: "with cardiac catheterization" },
      { family: "235-236", because: "without cardiac catheterization" }
    ]
  },
  {
    id: "05:amputation",
    mdc: "05",
    title: "amputation for circulatory system disorders except upper limb and toe",
    routes: [{ family: "239-241" }]
  },
  {
    id: "05:pacemaker",
    mdc: "05",
    title: "permanent cardiac pacemaker implant (generator with lead)",
    requires: proc("pacemaker-lead"),
    routes: [{ family: "242-244" }]
  },
  { id: "05:aicd-generator", mdc: "05", title: "AICD generator procedures", routes: [{ family: "245" }] },
  { id: "05:pci-des", mdc: "05", title: "PCI with drug-eluting stent", routes: [{ family: "246-247" }] },
  { id: "05:pci-bms", mdc: "05", title: "PCI with non-drug-eluting stent", routes: [{ family: "248-249" }] },
  { id: "05:pci-nostent", mdc: "05", title: "PCI without coronary artery stent", routes: [{ family: "250-251" }] },
  {
    id: "05:toe-amputation",
    mdc: "05",
    title: "upper limb and toe amputation for circulatory system disorders",
    routes: [{ family: "255-257" }]
  },
  {
    id: "05:pacemaker-replacement",
    mdc: "05",
    title: "cardiac pacemaker device replacement",
    routes: [{ family: "258-259" }]
  },
  { id: "05:intracardiac", mdc: "05", title: "percutaneous intracardiac procedures", routes: [{ family: "273-274" }] },
  // MDC 06
  { id: "06:major-bowel", mdc: "06", title: "major small and large bowel procedures", routes: [{ family: "329-331" }] },
  {
    id: "06:appendectomy",
    mdc: "06",
    title: "appendectomy",
    routes: [
      { when: pdx("complicated-appendicitis"), family: "338-340", because: "complicated principal diagnosis" },
      { family: "341-343", because: "without complicated principal diagnosis" }
    ]
  },
  // MDC 07
  { id: "07:chole-open", mdc: "07", title: "cholecystectomy except by laparoscope", routes: [{ family: "414-416" }] },
  { id: "07:chole-lap", mdc: "07", title: "laparoscopic cholecystectomy", routes: [{ family: "417-419" }] },
  // MDC 08
  { id: "08:fusion", mdc: "08", title: "spinal fusion except cervical", routes: [{ family: "459-460" }] },
  {
    id: "08:debridement",
    mdc: "08",
    title: "wound debridement and skin graft except hand",
    routes: [{ family: "463-465" }]
  },
  {
    id: "08:major-joint",
    mdc: "08",
    title: "major joint replacement of lower extremity",
    // 521-522 (hip replacement with PDX of hip fracture) are not v34 DRGs: the v34 list
    // (757 DRGs) lacks them, so hip fractures with a hip replacement stay in 469-470.
    routes: [{ family: "469-470" }]
  },
  { id: "08:amputation", mdc: "08", title: "amputation for musculoskeletal disorders", routes: [{ family: "474-476" }] },
  { id: "08:hip-femur", mdc: "08", title: "hip and femur procedures except major joint", routes: [{ family: "480-482" }] },
  // MDC 09
  { id: "09:debridement", mdc: "09", title: "skin debridement", routes: [{ family: "570-572" }] },
  // MDC 10
  { id: "10:amputation", mdc: "10", title: "amputation of lower limb", routes: [{ family: "616-618" }] },
  { id: "10:debridement", mdc: "10", title: "skin grafts and wound debridement", routes: [{ family: "622-624" }] },
  // MDC 11, 12
  { id: "11:transurethral", mdc: "11", title: "transurethral procedures", routes: [{ family: "668-670" }] },
  { id: "12:turp", mdc: "12", title: "transurethral prostatectomy", routes: [{ family: "713-714" }] },
  // MDCs whose own "O.R. procedure" DRGs absorb every O.R. procedure.
  {
    id: "17:major-or",
    mdc: "17",
    title: "lymphoma, leukemia or myeloproliferative disorder with major O.R. procedure",
    anyOr: true,
    extensiveOnly: true,
    routes: [{ when: pdx("lymphoma-leukemia"), family: "820-822" }, { family: "826-828" }]
  },
  {
    id: "17:other-or",
    mdc: "17",
    title: "lymphoma, leukemia or myeloproliferative disorder with other O.R. procedure",
    anyOr: true,
    routes: [{ when: pdx("lymphoma-leukemia"), family: "823-825" }, { family: "829-830" }]
  },
  {
    id: "18:or",
    mdc: "18",
    title: "infectious and parasitic diseases with O.R. procedure",
    anyOr: true,
    routes: [
      { when: pdx("postop-infection"), family: "856-858", because: "postoperative or post-traumatic infection" },
      { family: "853-855" }
    ]
  },
  { id: "19:or", mdc: "19", title: "O.R. procedure with principal diagnosis of mental illness", anyOr: true, routes: [{ family: "876" }] },
  { id: "21:debridement", mdc: "21", title: "wound debridements for injuries", routes: [{ family: "901-903" }] },
  { id: "21:or", mdc: "21", title: "other O.R. procedures for injuries", anyOr: true, routes: [{ family: "907-909" }] },
  {
    id: "23:or",
    mdc: "23",
    title: "O.R. procedures with diagnoses of other contact with health services",
    anyOr: true,
    routes: [{ family: "939-941" }]
  },
  {
    id: "24:hip-femur",
    mdc: "24",
    title: "limb reattachment, hip and femur procedures for multiple significant trauma",
    routes: [{ family: "956" }]
  },
  {
    id: "24:or",
    mdc: "24",
    title: "other O.R. procedures for multiple significant trauma",
    anyOr: true,
    routes: [{ family: "957-959" }]
  },
  {
    id: "25:or",
    mdc: "25",
    title: "HIV with extensive O.R. procedure",
    anyOr: true,
    extensiveOnly: true,
    routes: [{ family: "969-970" }]
  }
]

/** Surgical hierarchy per MDC, highest class first (v33/v34 Appendix D order). */
export const SURGICAL_HIERARCHY: Readonly<Record<string, ReadonlyArray<string>>> = {
  "01": ["01:craniotomy", "01:extracranial"],
  "05": [
    "05:valve",
    "05:tavr",
    "05:defibrillator",
    "05:cabg",
    "05:amputation",
    "05:pacemaker",
    "05:aicd-generator",
    "05:pci-des",
    "05:pci-bms",
    "05:pci-nostent",
    "05:toe-amputation",
    "05:pacemaker-replacement",
    "05:intracardiac"
  ],
  "06": ["06:major-bowel", "06:appendectomy"],
  "07": ["07:chole-open", "07:chole-lap"],
  "08": ["08:fusion", "08:debridement", "08:major-joint", "08:amputation", "08:hip-femur"],
  "09": ["09:debridement"],
  "10": ["10:amputation", "10:debridement"],
  "11": ["11:transurethral"],
  "12": ["12:turp"],
  "17": ["17:major-or", "17:other-or"],
  "18": ["18:or"],
  "19": ["19:or"],
  "21": ["21:debridement", "21:or"],
  "23": ["23:or"],
  "24": ["24:hip-femur", "24:or"],
  "25": ["25:or"]
}
