/**
 * Distractor text: conditions a note mentions that the case does NOT have (negated, ruled out,
 * or history only). Each names the code it would imply, so the generator keeps it away from
 * any case holding that condition (see Conflicts) and tests can check the rule.
 */

import { conflicts } from "./Conflicts.ts"

/** How a distractor mentions its condition. */
export type DistractorKind = "negated" | "ruled-out" | "history" | "deferred"

/** A distractor sentence and the code it must not coexist with. */
export interface Distractor {
  /** The code the text would imply if the condition were present. */
  readonly code: string
  readonly kind: DistractorKind
  readonly text: string
  /** Principal-diagnosis prefixes the text fits; absent = any case. */
  readonly pdxPrefixes?: ReadonlyArray<string>
  /** Code prefixes the text also contradicts (a finding it denies), beyond the code's own group. */
  readonly alsoConflicts?: ReadonlyArray<string>
}

const d = (
  code: string,
  kind: DistractorKind,
  text: string,
  pdxPrefixes?: ReadonlyArray<string>,
  alsoConflicts?: ReadonlyArray<string>
): Distractor => ({
  code,
  kind,
  text,
  ...(pdxPrefixes === undefined ? {} : { pdxPrefixes }),
  ...(alsoConflicts === undefined ? {} : { alsoConflicts })
})

/** True when the distractor's text would contradict a case holding these codes. */
export const distractorContradicts = (distractor: Distractor, codes: ReadonlyArray<string>): boolean =>
  codes.some((c) => conflicts(c, distractor.code) || (distractor.alsoConflicts ?? []).some((p) => c.startsWith(p)))

// Codes whose notes report fever, positive cultures or an infection treated with antibiotics.
const INFECTIONS = ["A", "B", "J1", "J69", "J86", "L0", "M86", "M00", "I33", "G00", "G03", "K65", "K75", "K81", "K83", "K35", "K57.2", "K57.32", "N39", "N10", "N30", "T81.4", "T82.7", "R50", "R78"]

/** All distractors. */
export const DISTRACTORS: ReadonlyArray<Distractor> = [
  d("I26.99", "ruled-out", "r/o PE: CTA chest negative"),
  d("I26.99", "negated", "CTA without PE"),
  d("I21.4", "ruled-out", "r/o ACS: trop neg x3, EKG unchanged"),
  d("I21.4", "negated", "no e/o ischemia on EKG, troponins flat", undefined, ["I46", "I49.01", "R57.0", "I47", "I44"]),
  d("J18.9", "negated", "CXR without consolidation, no pneumonia", undefined, ["J86", "A15", "J80", "J81", "J90", "J91", "C34", "J98", "J84", "J93", "J96", "5A1", "0B1"]),
  d("J18.9", "ruled-out", "initially treated for possible PNA, abx stopped once CXR read as clear"),
  d("N39.0", "negated", "UA bland, UCx no growth", undefined, ["A41.51", "R31", "N20", "N17.0"]),
  d("I82.401", "negated", "LENIs negative for DVT"),
  d("I61.9", "negated", "CTH negative for bleed", undefined, ["C71", "C79.31", "S06"]),
  d("I63.9", "ruled-out", "concern for stroke, MRI brain without acute infarct", undefined, ["C71", "C79.31", "G35", "S06"]),
  d("K65.2", "negated", "abdomen benign, no clinical concern for SBP", ["K70", "K74", "K72"]),
  d("G03.9", "ruled-out", "meningitis considered, but no meningismus and LP not indicated", undefined, ["G00", "G61", "009U3ZX"]),
  d("A41.9", "ruled-out", "sepsis initially considered, but afebrile with negative cultures", undefined, INFECTIONS),
  d("N17.9", "negated", "Cr at baseline throughout, no AKI", undefined, ["K76.7", "M62.82", "N18.6", "Z99.2", "5A1D60Z", "E86.0"]),
  d("I50.9", "negated", "BNP normal and euvolemic, not c/w CHF", undefined, ["J81", "R57.0", "I42", "I35", "E86.0", "K70.31", "K70.11"]),
  d("E11.10", "negated", "no anion gap, not in DKA", undefined, ["E87.2", "E11.00"]),
  d("K92.2", "negated", "guaiac negative, no signs of GI bleeding", undefined, ["D62", "D68", "R04", "R31", "I61", "I60", "30233N1"]),
  d("G93.41", "negated", "mental status at baseline throughout", undefined, ["I6", "S06", "G0", "G4", "G93", "G92", "R4", "R5", "T", "F", "E1", "E87", "K72", "K76.7", "I46", "I49.01", "5A1", "0B1"]),
  d("J96.01", "negated", "SpO2 >94% on RA throughout", undefined, ["5A1", "0B1", "J", "I50", "I26", "I11", "I13", "R06", "R09", "R57", "I46", "I49.01", "A41", "A40"]),
  d("M62.82", "negated", "CK normal"),
  d("F10.239", "negated", "no signs of EtOH withdrawal on CIWA"),
  d("I26.99", "history", "h/o provoked PE ___ years ago, completed anticoagulation"),
  d("I63.9", "history", "remote h/o stroke without residual deficits"),
  d("I21.4", "history", "h/o MI s/p DES ___"),
  d("A04.7", "history", "remote h/o C. diff, treated"),
  d("I82.401", "history", "h/o DVT ___, off AC"),
  d("J18.9", "history", "h/o pneumonia last winter"),
  d("C50.919", "history", "h/o breast cancer s/p lumpectomy, in remission"),
  d("K85.9", "history", "h/o gallstone pancreatitis s/p ERCP ___"),
  d("N39.0", "history", "h/o recurrent UTIs"),
  // Procedures considered but not done: the stay stays medical (the surgical-versus-medical trap).
  d("4A023N7", "deferred", "pt declined cath, medical management", ["I21", "I20"]),
  d("0FT44ZZ", "deferred", "surgery consulted, interval lap chole planned as outpatient", ["K80", "K81", "K85.1"]),
  d("0DTJ4ZZ", "deferred", "surgery consulted, managed nonoperatively with abx", ["K35"]),
  d("0QS634Z", "deferred", "ortho consulted, nonoperative management given goals of care", ["S72"]),
  d("0DTN0ZZ", "deferred", "surgery consulted, no indication for colectomy this admission", ["K57", "C18", "K63"]),
  d("0JH606Z", "deferred", "EP consulted, no indication for pacemaker", ["R00", "I49", "R55", "I44"]),
  d("3E03317", "deferred", "outside the window for tPA", ["I63"]),
  d("5A1955Z", "deferred", "managed on BiPAP, never intubated", ["J96", "J44", "J81", "J69", "J18"]),
  d("0SRC0J9", "deferred", "ortho discussed TKA, to be scheduled as outpatient", ["M17"]),
  d("0SG00AJ", "deferred", "spine surgery consulted, no surgical intervention", ["M48", "M54"])
]
