/**
 * The sections a full discharge summary has around its hospital course (history of present
 * illness, admission exam, pertinent results, discharge medications), for the `discharge`
 * note length. Every line is chosen so it cannot contradict the case: an exam line is left out
 * when a code of the case would make it false, a medication appears only for a condition the
 * case has, and nothing names a code or the DRG.
 */

/** An exam line and the code prefixes that would make it false. */
const EXAM: ReadonlyArray<{ readonly text: string; readonly contradicts: ReadonlyArray<string> }> = [
  { text: "Gen: alert, in no acute distress", contradicts: ["A4", "R65", "R57", "G93", "F0", "R40", "R41", "J96", "J80", "I46", "T4", "F10.2", "F11", "K72", "E87", "I21", "I50", "J18", "J69", "J44.1"] },
  { text: "HEENT: MMM, oropharynx clear", contradicts: ["E86", "A0", "K52", "R13"] },
  { text: "CV: RRR, no m/r/g", contradicts: ["I4", "R00", "I35", "I50", "I21", "I44", "I49", "R57", "A4", "I26"] },
  { text: "Lungs: CTAB, no wheezes or crackles", contradicts: ["J", "I50", "I26", "R06", "A41", "I21"] },
  { text: "Abd: soft, NT/ND, +BS", contradicts: ["K", "R10", "C18", "N10", "N20", "A0", "A04", "O", "C25", "C22"] },
  { text: "Ext: WWP, no edema", contradicts: ["I50", "I70", "E11.5", "L03", "I82", "N18", "S72", "M1", "I87", "L89", "R57", "A4"] },
  { text: "Neuro: A&Ox3, moving all extremities", contradicts: ["I6", "G", "F0", "R40", "R41", "S06", "E87.1", "S72", "F10.2", "T4", "I46", "E16"] },
  { text: "Skin: no rashes or breakdown", contradicts: ["L", "R23", "T8"] }
]

/** Home or discharge medications and the condition prefixes they treat (first match per line). */
const MEDICATIONS: ReadonlyArray<{ readonly text: string; readonly for: ReadonlyArray<string>; readonly avoid?: ReadonlyArray<string> }> = [
  { text: "Metformin 500 mg PO BID", for: ["E11"], avoid: ["N17", "N18.4", "N18.5", "N18.6", "E87.2"] },
  { text: "Lisinopril 10 mg PO daily", for: ["I10", "I11", "I13"], avoid: ["N17", "E87.5", "R57"] },
  { text: "Atorvastatin 40 mg PO QHS", for: ["E78", "I25", "I21", "I63"] },
  { text: "Apixaban 5 mg PO BID", for: ["I48", "I26", "I82"], avoid: ["K92", "K25", "K26", "I61", "I60", "D68", "D69", "R31", "S06"] },
  { text: "Tiotropium 18 mcg inhaled daily", for: ["J44", "J43"] },
  { text: "Albuterol inhaler 2 puffs q4h PRN wheeze", for: ["J44", "J45", "J43"] },
  { text: "Furosemide 40 mg PO daily", for: ["I50", "I11", "I13"], avoid: ["E86", "N17", "R57"] },
  { text: "Metoprolol succinate 50 mg PO daily", for: ["I50", "I48", "I25", "I21", "I10"], avoid: ["R00.1", "I44", "I49.5", "R57", "J44.1"] },
  { text: "Levothyroxine 75 mcg PO daily", for: ["E03"] },
  { text: "Sertraline 50 mg PO daily", for: ["F32", "F33", "F41"] },
  { text: "Omeprazole 20 mg PO daily", for: ["K21", "K25", "K26", "K29", "K92"] },
  { text: "Tamsulosin 0.4 mg PO QHS", for: ["N40"] },
  { text: "Insulin glargine ___ units SC QHS", for: ["E11.6", "E11.0", "E11.1", "E10"] },
  { text: "Donepezil 10 mg PO QHS", for: ["G30", "F03"] }
]

const matches = (codes: ReadonlyArray<string>, prefixes: ReadonlyArray<string>): boolean =>
  codes.some((code) => prefixes.some((p) => code.startsWith(p)))

/**
 * Exam lines true for a case with `codes` (each line whose prefixes none of them has).
 *
 * @since 0.1.0
 * @category notes
 */
export const examLines = (codes: ReadonlyArray<string>): ReadonlyArray<string> =>
  EXAM.filter((line) => !matches(codes, line.contradicts)).map((line) => line.text)

/**
 * Discharge medications for the conditions of a case, without lines that name `drg` as a
 * number (the note must not), or that a code of the case argues against (no anticoagulant
 * after a bleed).
 *
 * @since 0.1.0
 * @category notes
 */
export const dischargeMedications = (codes: ReadonlyArray<string>, drg: number): ReadonlyArray<string> => {
  const namesDrg = new RegExp(`(?<![\\w.])0*${drg}(?![\\w]|\\.\\d)`)
  return [...MEDICATIONS.filter((m) => matches(codes, m.for) && !matches(codes, m.avoid ?? [])).map((m) => m.text), "Acetaminophen 650 mg PO q6h PRN pain"]
    .filter((text) => !namesDrg.test(text))
}

/** Openings of the history of present illness. */
export const HPI_ONSET: ReadonlyArray<string> = [
  "Symptoms began ___ days prior to admission.",
  "Per family, had been declining over the week before admission.",
  "Was in usual state of health until the morning of admission.",
  "Seen by PCP ___ days ago and referred in when symptoms progressed."
]
