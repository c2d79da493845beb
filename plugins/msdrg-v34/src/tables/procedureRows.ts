/**
 * Built-in v34 procedure attributes: `[code, O.R.?, surgical classes, flags, extra]`.
 * Covers every PCS row of the seed table plus the codes that DRG logic names (PCI vessel
 * and stent counts, pacemaker/defibrillator leads, catheterization, thrombolytics …).
 * Flags are the names DRG logic reads; classes are ids in `surgicalClasses.ts`.
 */

/** One procedure row; the last element carries PCI vessel/stent counts. */
export type ProcedureTuple = readonly [
  string,
  boolean,
  ReadonlyArray<string>,
  ReadonlyArray<string>,
  { readonly vessels?: number; readonly stents?: number }?
]

const PCI_DES = ["05:pci-des"]
const PCI_BMS = ["05:pci-bms"]
const PCI_NONE = ["05:pci-nostent"]
const KNEE = ["08:major-joint"]
const HIP = ["08:major-joint", "24:hip-femur"]

/** The built-in procedure rows. */
export const PROCEDURE_ROWS: ReadonlyArray<ProcedureTuple> = [
  // Percutaneous coronary intervention: body part = number of arteries, device = stents.
  ["027034Z", true, PCI_DES, ["ptca"], { vessels: 1, stents: 1 }],
  ["027035Z", true, PCI_DES, ["ptca"], { vessels: 1, stents: 2 }],
  ["027036Z", true, PCI_DES, ["ptca"], { vessels: 1, stents: 3 }],
  ["027037Z", true, PCI_DES, ["ptca"], { vessels: 1, stents: 4 }],
  ["027134Z", true, PCI_DES, ["ptca"], { vessels: 2, stents: 1 }],
  ["027234Z", true, PCI_DES, ["ptca"], { vessels: 3, stents: 1 }],
  ["027334Z", true, PCI_DES, ["ptca"], { vessels: 4, stents: 1 }],
  ["02703DZ", true, PCI_BMS, ["ptca"], { vessels: 1, stents: 1 }],
  ["02703GZ", true, PCI_BMS, ["ptca"], { vessels: 1, stents: 4 }],
  ["02733DZ", true, PCI_BMS, ["ptca"], { vessels: 4, stents: 1 }],
  ["02703ZZ", true, PCI_NONE, ["ptca"], { vessels: 1 }],
  // Cardiac catheterization (non-O.R., changes the DRG).
  ["4A023N6", false, [], ["cath"]],
  ["4A023N7", false, [], ["cath"]],
  ["4A023N8", false, [], ["cath"]],
  // Coronary bypass.
  ["021109W", true, ["05:cabg"], []],
  ["02100Z9", true, ["05:cabg"], []],
  // Valves.
  ["02RF38Z", true, ["05:tavr"], []],
  ["02RF0KZ", true, ["05:valve"], []],
  // Pacemaker and defibrillator: the generator routes only together with a lead (cluster).
  ["0JH606Z", true, ["05:pacemaker", "05:pacemaker-replacement"], ["pacemaker-generator"]],
  ["0JH608Z", true, ["05:defibrillator", "05:aicd-generator"], ["defib-generator"]],
  ["02H63JZ", false, [], ["pacemaker-lead"]],
  ["02HK3JZ", false, [], ["pacemaker-lead"]],
  ["02HK3KZ", false, [], ["defib-lead"]],
  // Percutaneous intracardiac procedures (new family 273-274).
  ["02583ZZ", true, ["05:intracardiac"], []],
  ["02L73DK", true, ["05:intracardiac"], []],
  // Joints, hip, spine.
  ["0SRD0J9", true, KNEE, []],
  ["0SRC0J9", true, KNEE, []],
  ["0SR9019", true, HIP, ["hip-replacement"]],
  ["0SRB04Z", true, HIP, ["hip-replacement"]],
  ["0SRR0J9", true, HIP, ["hip-replacement"]],
  ["0QS634Z", true, ["08:hip-femur", "24:hip-femur"], []],
  ["0SG00AJ", true, ["08:fusion"], []],
  // Digestive and hepatobiliary.
  ["0DTJ4ZZ", true, ["06:appendectomy"], []],
  ["0FT44ZZ", true, ["07:chole-lap"], []],
  ["0FT40ZZ", true, ["07:chole-open"], []],
  ["0DTN0ZZ", true, ["06:major-bowel"], []],
  // Pre-MDC: tracheostomy, ECMO, transplants.
  ["0B110F4", true, [], ["trach"]],
  ["0B113F4", true, [], ["trach"]],
  ["5A15223", false, [], ["ecmo"]],
  ["02YA0Z0", true, [], ["heart-transplant"]],
  ["0FY00Z0", true, [], ["liver-transplant"]],
  ["0BYM0Z0", true, [], ["lung-transplant"]],
  // Ventilation, thrombolytics, chemotherapy, lithotripsy (non-O.R., change the DRG).
  ["5A1955Z", false, [], ["mv>96"]],
  ["5A1945Z", false, [], ["mv<=96"]],
  ["5A1935Z", false, [], ["mv<=96"]],
  ["3E03317", false, [], ["thrombolytic"]],
  ["3E04317", false, [], ["thrombolytic"]],
  ["3E03302", false, [], ["high-dose-chemo"]],
  ["3E04302", false, [], ["high-dose-chemo"]],
  ["0TF6XZZ", false, [], ["esw"]],
  ["0TF7XZZ", false, [], ["esw"]],
  // Nervous system.
  ["03CG3ZZ", true, ["01:craniotomy"], []],
  ["03CK0ZZ", true, ["01:extracranial"], []],
  // Amputations and debridement (several MDCs).
  ["0Y6H0Z1", true, ["05:amputation", "08:amputation", "10:amputation"], []],
  ["0Y6P0Z0", true, ["05:toe-amputation", "08:amputation", "10:amputation"], []],
  ["0JBN0ZZ", true, ["09:debridement", "08:debridement", "10:debridement", "21:debridement"], []],
  // Genitourinary.
  ["0VT08ZZ", true, ["12:turp"], ["prostatic"]],
  ["0T768DZ", true, ["11:transurethral"], []],
  // Non-O.R. procedures that do not change the DRG (distractors in notes).
  ["0DJ08ZZ", false, [], []],
  ["0DB68ZX", false, [], []],
  ["0W9G3ZZ", false, [], []],
  ["0W993ZZ", false, [], []],
  ["0BH17EZ", false, [], []],
  ["30233N1", false, [], []],
  ["02HV33Z", false, [], []],
  ["009U3ZX", false, [], []],
  ["0T9B70Z", false, [], []],
  ["5A1D60Z", false, [], []]
]

/** Non-extensive O.R. procedures among the built-in codes (Appendix F). */
export const NON_EXTENSIVE: ReadonlyArray<string> = ["0T768DZ", "0VT08ZZ"]
