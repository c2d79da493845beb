/**
 * Renders a sampled case as a MIMIC-style brief hospital course: problem-oriented sections,
 * abbreviations, de-identification blanks, distractor mentions and a disposition line.
 */
import type { SampledCase } from "./CaseSampler.ts"
import type { Distractor, DistractorKind } from "./Distractors.ts"
import { capitalize } from "./Capitalize.ts"
import type { Prng } from "./Prng.ts"
import { dischargeMedications, examLines, HPI_ONSET } from "./DischargeSections.ts"
import { DIAGNOSES, PLACEHOLDER, PROCEDURES } from "./Vocabulary.ts"

/** Length of the rendered note. */
export type NoteLength = "short" | "medium" | "long" | "discharge"

/** One thing the note mentions, and in which role. */
export interface Mention {
  readonly code: string
  readonly role: "pdx" | "sdx" | "procedure" | DistractorKind
  /** For distractor roles: the distractor written. */
  readonly distractor?: Distractor
}

/** A rendered note with what it mentions. */
export interface RenderedNote {
  readonly text: string
  readonly mentions: ReadonlyArray<Mention>
}

/**
 * Fills `{a-b}` placeholders with integers in [a, b] (`{6.8-7.1}`: one decimal), avoiding
 * `avoid` where the range allows.
 */
export const fillNumbers = (rng: Prng, template: string, avoid: number): string =>
  template.replace(PLACEHOLDER, (_, lo: string, hi: string) => {
    const decimals = lo.includes(".") || hi.includes(".") ? 1 : 0
    const scale = 10 ** decimals
    const a = Math.round(Number(lo) * scale), b = Math.round(Number(hi) * scale)
    let v = rng.int(a, b)
    for (let i = 0; i < 8 && v === avoid * scale && a !== b; i++) v = rng.int(a, b)
    return decimals === 0 ? String(v) : (v / scale).toFixed(decimals)
  })

// Routine sentences, each with the code prefixes it would contradict.
const FILLER: ReadonlyArray<{ readonly text: string; readonly contradicts?: ReadonlyArray<string> }> = [
  { text: "PT/OT evaluated" },
  { text: "Tele without events", contradicts: ["I4", "R00", "I21", "R55", "I46", "I49"] },
  { text: "Diet advanced as tolerated", contradicts: ["K56", "K63", "K65"] },
  { text: "Home meds reconciled" },
  { text: "Pain controlled with APAP and oxycodone prn", contradicts: ["T39", "T40", "F11", "K72", "K70", "K74"] },
  { text: "Bowel regimen continued", contradicts: ["A04", "A08", "A09", "K52", "K50", "K51"] },
  { text: "SQH for DVT ppx", contradicts: ["I26", "I82", "I80", "Z79.01", "I74", "I48", "K92", "K25", "K26", "K57.31", "K62", "I85", "D62", "D68", "D65", "D69", "I61", "I60", "S06.5", "R04", "R31"] },
  { text: "Electrolytes repleted prn" },
  { text: "SW met with pt and family" },
  { text: "Glucose managed with ISS" },
  { text: "Ambulating independently by d/c", contradicts: ["S72", "I63", "I61", "I60", "G81", "I69", "R29", "R53", "M80", "G61", "G35", "G20", "L89", "0S", "0Q", "0Y", "R40", "F03", "G30"] },
  { text: "Seen by nutrition" },
  { text: "f/u with PCP Dr. ___ within 1 week" },
  { text: "Outpatient records from ___ reviewed" },
  { text: "HCP (daughter ___) updated daily" },
  { text: "Labs to be checked on ___ by VNA" }
]

const DISPOSITION: Readonly<Record<string, ReadonlyArray<string>>> = {
  "01": ["Discharged home.", "d/c'd home in stable condition.", "Discharged home, f/u with PCP in 1 week."],
  "06": ["d/c'd home w/ VNA.", "Discharged home with services.", "Discharged home with VNA for med teaching."],
  "03": ["Discharged to SNF.", "d/c to ___ SNF for rehab.", "Discharged to ___ nursing facility."],
  "62": ["Discharged to acute rehab.", "d/c to ___ rehab."],
  "07": ["Pt left AMA on HD{2-4} despite counseling about risks.", "Pt signed out AMA on HD{2-4}."],
  "20": ["Pt expired on HD{3-9}; family at bedside.", "Goals of care discussed with family; transitioned to CMO and expired on HD{3-9}."]
}

// Non-CC secondary diagnoses that are findings of this stay rather than lasting conditions.
const ACUTE_NON_CC: ReadonlySet<string> = new Set([
  "E87.6", "E86.0", "E83.42", "D69.6", "R41.82", "R09.02", "E11.65", "D70.1", "I95.9", "R50.9", "Z66"
])

// CC/MCC codes that are lasting conditions: never written as "course complicated by".
const LASTING_CC: ReadonlySet<string> = new Set([
  "N18.4", "N18.5", "N18.6", "I50.22", "I50.32", "I50.42", "Z68.41", "F11.20", "K76.6", "C78.7", "C79.51",
  "C34.90", "C90.00", "B20", "Z94.0", "Z99.11", "G81.91", "I69.351", "F03.91", "E11.52", "G40.919", "I13.0",
  "E43", "E44.0", "D61.818", "F32.2"
])

const PRESENT: ReadonlyArray<string> = ["p/w", "presented with", "was admitted with", "presents with", "was admitted for"]

const header = (style: number, term: string, n: number): string =>
  style === 0 ? `# ${term}:` : style === 1 ? `#${term}:` : style === 2 ? `${term}:` : `${n}. ${term} -`

const sentence = (s: string): string => {
  const t = capitalize(s.trim())
  return /[.!?]$/.test(t) ? t : `${t}.`
}

/** Renders the note; `drg` only keeps drawn numbers away from the DRG number. */
export const renderNote = (rng: Prng, c: SampledCase, drg: number, length: NoteLength): RenderedNote => {
  const mentions: Array<Mention> = []
  const fill = (s: string) => fillNumbers(rng, s, drg)
  const dx = (code: string) => DIAGNOSES.get(code)
  // One value per placeholder range per code, so a code's term and details agree ("on the
  // vent for 7 days … extubated after 7 days", never 9 then 6).
  const drawn = new Map<string, string>()
  const fillFor = (code: string, s: string): string =>
    s.replace(PLACEHOLDER, (whole) => {
      const key = `${code} ${whole}`
      const known = drawn.get(key)
      if (known !== undefined) return known
      const value = fill(whole)
      drawn.set(key, value)
      return value
    })
  const termOf = (code: string): string => {
    const v = dx(code) ?? PROCEDURES.get(code)
    if (v === undefined || v.terms.length === 0) throw new Error(`renderNote: no terms for ${code}`)
    return fillFor(code, rng.pick(v.terms))
  }
  const detailsOf = (code: string, max: number): Array<string> => {
    const v = dx(code) ?? PROCEDURES.get(code)
    if (v === undefined || max <= 0) return []
    return rng.shuffle(v.details).slice(0, max).map((d) => fillFor(code, d))
  }
  // Items that say "h/o" themselves ("h/o MI s/p DES") are not put after another "h/o".
  const saysHistory = (item: string): boolean => /^(remote )?h\/o /i.test(item)
  const detailCount = length === "short" ? 1 : length === "medium" ? 2 : 3
  const long = length === "long" || length === "discharge"
  const style = rng.int(0, 3)
  const paragraph = length !== "discharge" && rng.chance(0.3)
  const sexWord = c.sex === "F" ? rng.pick(["F", "woman", "female"]) : rng.pick(["M", "man", "male"])
  const ageText = c.age === drg || rng.chance(0.75) ? "___" : String(c.age)

  // Only lasting conditions may be listed as history; acute non-CC findings get their own section,
  // so "h/o" never describes something that is (or is not) part of this stay by accident.
  const chronic = c.sdx.filter((code) => dx(code)?.level === "none" && !ACUTE_NON_CC.has(code))
  const acute = c.sdx.filter((code) => !chronic.includes(code))
  const history = c.distractors.filter((d) => d.kind === "history")
  const inline = c.distractors.filter((d) => d.kind !== "history")

  // Intro: demographics, history-only conditions and a few chronic problems, the reason for admission.
  const histItems: Array<string> = []
  const chronicInIntro = chronic.filter(() => rng.chance(0.5))
  for (const code of chronicInIntro) {
    histItems.push(termOf(code))
    mentions.push({ code, role: "sdx" })
  }
  for (const h of history) {
    histItems.push(fill(h.text))
    mentions.push({ code: h.code, role: "history", distractor: h })
  }
  const pdxTerm = termOf(c.pdx)
  mentions.push({ code: c.pdx, role: "pdx" })
  const hist = histItems.length === 0 ? ""
    : saysHistory(histItems[0]!) ? ` w/ ${histItems.join(", ")}` : ` w/ h/o ${histItems.join(", ")}`
  const from = rng.chance(0.15) ? rng.pick([" (transferred from ___ Hospital)", " (from ___ rehab)", " (sent in by PCP Dr. ___)"]) : ""
  const intro = rng.chance(0.5)
    ? `${ageText} y/o ${sexWord}${hist}${from} who ${rng.pick(PRESENT)} ${pdxTerm}.`
    : `${c.sex === "F" ? "Ms." : "Mr."} ___ is ${/^(8\d?|11|18)$/.test(ageText) ? "an" : "a"} ${ageText} year old ${c.sex === "F" ? "woman" : "man"}${hist ? ` with ${histItems.join(", ")}` : ""}, admitted with ${pdxTerm}.`

  const sections: Array<string> = []
  let n = 1
  // Principal problem with its procedures.
  const pdxBody: Array<string> = detailsOf(c.pdx, detailCount)
  for (const code of c.procedures) {
    const term = termOf(code)
    mentions.push({ code, role: "procedure" })
    const extra = detailsOf(code, length === "short" ? 0 : 1)
    const isOr = PROCEDURES.get(code)?.orStatus === "O.R."
    const how = isOr ? rng.int(0, 2) : 2
    const when = rng.chance(0.4) ? " on ___" : ""
    pdxBody.push(
      how === 0 ? `s/p ${term}${when}${extra.length ? ` (${extra.join("; ")})` : ""}`
        : how === 1 ? `underwent ${term}${when}${extra.length ? `, ${extra.join("; ")}` : ""}`
        : `${term}${extra.length ? `: ${extra.join("; ")}` : ""}`
    )
  }
  for (const dis of inline.filter(() => rng.chance(0.5))) {
    pdxBody.push(fill(dis.text))
    mentions.push({ code: dis.code, role: dis.kind, distractor: dis })
  }
  sections.push(`${header(style, rng.chance(0.5) ? capitalize(pdxTerm) : pdxTerm, n++)} ${pdxBody.map(sentence).join(" ")}`)

  // Acute secondary problems (the CC/MCC candidates), each with its evidence.
  for (const code of acute) {
    const term = termOf(code)
    mentions.push({ code, role: "sdx" })
    const body = detailsOf(code, Math.max(1, detailCount - 1))
    if (c.poaN.includes(code)) {
      // Arose during the stay: the note says when, which is what makes it a hospital-acquired condition.
      const when = c.procedures.some((p) => PROCEDURES.get(p)?.orStatus === "O.R.") ? `POD${rng.int(2, 4)}` : `HD${rng.int(3, 7)}`
      sections.push(`Course c/b ${term}, new on ${when} (${body.join("; ")}).`)
      continue
    }
    sections.push(rng.chance(0.25) && !paragraph && !LASTING_CC.has(code)
      ? `Course c/b ${term} (${body.join("; ")}).`
      : `${header(style, term, n++)} ${body.map(sentence).join(" ")}`)
  }
  // Negated / ruled-out mentions not placed under the principal problem get their own line.
  for (const dis of inline) {
    if (mentions.some((m) => m.code === dis.code && m.role === dis.kind)) continue
    sections.push(sentence(fill(dis.text)))
    mentions.push({ code: dis.code, role: dis.kind, distractor: dis })
  }
  // Chronic problems not named in the intro.
  const chronicRest = chronic.filter((code) => !chronicInIntro.includes(code))
  if (chronicRest.length > 0) {
    if (!paragraph && rng.chance(0.5)) sections.push(rng.pick(["CHRONIC ISSUES:", "Chronic issues:", "TRANSITIONAL ISSUES / CHRONIC:"]))
    for (const code of chronicRest) {
      const term = termOf(code)
      mentions.push({ code, role: "sdx" })
      const body = detailsOf(code, long ? 1 : rng.int(0, 1))
      sections.push(`${header(style, term, n++)} ${body.length ? body.map(sentence).join(" ") : "stable, home meds continued."}`)
    }
  }
  if (length !== "short") {
    // Fillers must agree with the disposition (no follow-up for a patient who died, VNA only with
    // home health) and with the case (no "tele without events" beside an arrhythmia).
    const caseCodes = [c.pdx, ...c.sdx, ...c.procedures]
    const usable = FILLER.filter((f) =>
      !(c.dischargeStatus === "20" && /PT\/OT|Ambulating|f\/u|VNA/.test(f.text)) &&
      !(c.dischargeStatus !== "06" && /VNA/.test(f.text)) &&
      !(f.contradicts ?? []).some((p) => caseCodes.some((code) => code.startsWith(p)))).map((f) => f.text)
    const fillers = rng.shuffle(usable).slice(0, long ? rng.int(3, 5) : rng.int(1, 2))
    sections.push(fillers.map(sentence).join(" "))
  }
  const dispo = DISPOSITION[c.dischargeStatus] ?? DISPOSITION["01"]!
  sections.push(fill(rng.pick(dispo)))

  const lead = length === "discharge" ? "BRIEF HOSPITAL COURSE:" : rng.pick(["Brief Hospital Course:", "BRIEF HOSPITAL COURSE:", ""])
  const body = [intro, ...sections]
  if (length === "discharge") {
    // A full summary: the course between history and exam before it, results, and medications after.
    const codes = [c.pdx, ...c.sdx, ...c.procedures]
    const hpi = `${intro} ${fill(rng.pick(HPI_ONSET))} In the ED, ${detailsOf(c.pdx, 2).join("; ")}. Admitted for further management.`
    const exam = examLines(codes)
    const results = [c.pdx, ...acute].flatMap((code) => detailsOf(code, 1))
    const meds = c.dischargeStatus === "20" ? [] : dischargeMedications(codes, drg)
    const text = [
      "HISTORY OF PRESENT ILLNESS:", hpi, "",
      "PHYSICAL EXAM ON ADMISSION:", ...(exam.length > 0 ? exam : ["See hospital course."]), "",
      "PERTINENT RESULTS:", `Admission labs and imaging notable for: ${results.join("; ")}.`, "",
      `${lead}\n${sections.join("\n")}`,
      ...(meds.length > 0 ? ["", "DISCHARGE MEDICATIONS:", ...meds.map((m, i) => `${i + 1}. ${m}`)] : [])
    ].join("\n")
    return { text, mentions }
  }
  const text = paragraph
    ? `${lead ? `${lead} ` : ""}${body.join(" ")}`
    : `${lead ? `${lead}\n` : ""}${body.join("\n")}`
  return { text, mentions }
}
