/**
 * Samples the codes and demographics of one synthetic case (before grouping and rendering).
 */
import type { Sex } from "@sapphire-rl/spec"
import { companionsPresent, conflicts, conflictsWithAny } from "./Conflicts.ts"
import { DISTRACTORS, type Distractor, distractorContradicts } from "./Distractors.ts"
import type { Prng } from "./Prng.ts"
import {
  NON_OR_PROCEDURES,
  type Scenario,
  SCENARIOS,
  UNRELATED_OR_HOSTS,
  UNRELATED_OR_PROCEDURES
} from "./Scenarios.ts"
import { type CcLevel, DIAGNOSES, type DiagnosisVocab, PROCEDURES } from "./Vocabulary.ts"

/** How hard a case is to code. */
export type Difficulty = "easy" | "medium" | "hard"

/** All difficulties, easiest first. */
export const DIFFICULTIES: ReadonlyArray<Difficulty> = ["easy", "medium", "hard"]

/** Which scenarios are drawn how often. */
export type DrgMix = "natural" | "uniform"

/** A sampled case before grouping. */
export interface SampledCase {
  readonly scenario: string
  readonly difficulty: Difficulty
  readonly pdx: string
  readonly sdx: ReadonlyArray<string>
  readonly procedures: ReadonlyArray<string>
  readonly age: number
  readonly sex: Sex
  readonly dischargeStatus: string
  readonly distractors: ReadonlyArray<Distractor>
  /** Secondary codes that arose during the stay (POA = N). */
  readonly poaN: ReadonlyArray<string>
}

const SECONDARY: ReadonlyArray<DiagnosisVocab> = [...DIAGNOSES.values()].filter((d) => d.asSdx)
const byLevel = (level: CcLevel) => SECONDARY.filter((d) => d.level === level)
const SDX_MCC = byLevel("MCC")
const SDX_CC = byLevel("CC")
const SDX_NONE = byLevel("none")

// Secondary MCCs that count only when the patient leaves alive.
const ALIVE_ONLY_MCC: ReadonlyArray<string> = ["R57.0", "I46.9", "R57.1", "I49.01"]

// Secondary diagnoses that are common in inpatient data get drawn more often (relative weight;
// unlisted codes weigh 1), so notes read like real problem lists rather than a uniform mix.
const COMMON_SECONDARY: Readonly<Record<string, number>> = {
  "J96.01": 4, "N17.9": 5, "N17.0": 2, "G93.41": 3, "E43": 2, "I50.23": 2, "I50.33": 2, "J18.9": 2,
  "J69.0": 2, "E87.1": 3, "D62": 3, "E44.0": 2, "I50.22": 2, "I50.32": 2, "N18.4": 2, "F05": 2,
  "I10": 5, "E78.5": 5, "E11.9": 4, "I48.91": 3, "N18.3": 3, "D64.9": 3, "E87.6": 3, "F17.210": 3,
  "E03.9": 2, "I25.10": 3, "Z79.01": 2, "E66.01": 2, "J44.9": 2, "Z66": 2
}

const pickSecondary = (
  rng: Prng,
  pool: ReadonlyArray<DiagnosisVocab>,
  taken: ReadonlyArray<string>
): string | undefined => {
  const ok = pool.filter((d) => !taken.includes(d.code) && !conflictsWithAny(d.code, taken) && companionsPresent(d.code, taken))
  return ok.length === 0 ? undefined : rng.weighted(ok, (d) => COMMON_SECONDARY[d.code] ?? 1).code
}

const routineStatus = (rng: Prng): string =>
  rng.weighted(
    [["01", 45], ["06", 25], ["03", 15], ["62", 6]] as const,
    ([, w]) => w
  )[0]

/**
 * Chooses a scenario under a mix. `uniformWeight` spreads the uniform mix evenly over DRG
 * families when several scenarios land in one family (see `familyUniformWeights`); without it
 * the uniform mix is uniform over scenarios.
 */
export const pickScenario = (rng: Prng, mix: DrgMix, uniformWeight?: (s: Scenario) => number): Scenario =>
  mix === "natural"
    ? rng.weighted(SCENARIOS, (s) => s.naturalWeight)
    : uniformWeight === undefined ? rng.pick(SCENARIOS) : rng.weighted(SCENARIOS, uniformWeight)

// Adult age ranges by principal-diagnosis prefix (first match wins), so a 23-year-old is not
// admitted for an NSTEMI, COPD or a hip fracture: diseases of later life start at 40-55, the
// young adult ones (appendicitis, alcohol, overdoses) reach down to 18. Anything else 19-94.
const AGE_RANGES: ReadonlyArray<readonly [ReadonlyArray<string>, number, number]> = [
  [["S72", "M16", "M17", "M80", "M48", "N40", "I35", "I44", "I49.5", "I70", "I65", "G30", "F03", "L89", "I48"], 55, 94],
  [["I21", "I20", "I25", "I50", "I63", "I61", "J44", "J43", "C", "Z51.11", "I71", "N18", "I42", "I47", "E11.52"], 40, 94],
  [["E11", "I10", "I11", "I13", "K80", "K81", "K57", "N17", "D62", "M86"], 30, 94],
  [["K35", "F10", "F11", "T40", "T39", "T51", "O"], 18, 70]
]

/** The age range drawn for a case with principal diagnosis `pdx`. */
export const ageRangeOf = (pdx: string): readonly [number, number] => {
  for (const [prefixes, lo, hi] of AGE_RANGES) if (prefixes.some((p) => pdx.startsWith(p))) return [lo, hi]
  return [19, 94]
}

/** Samples one case of the given difficulty. */
export const sampleCase = (
  rng: Prng,
  difficulty: Difficulty,
  mix: DrgMix,
  uniformWeight?: (s: Scenario) => number
): SampledCase => {
  const scenario = pickScenario(rng, mix, uniformWeight)
  const pdx = rng.pick(scenario.pdx)
  const procedures: Array<string> = scenario.procedureSets.length > 0 ? [...rng.pick(scenario.procedureSets)] : []
  const sex: Sex = scenario.sex ?? (rng.chance(0.5) ? "F" : "M")
  const [ageLo, ageHi] = ageRangeOf(pdx)
  const drawnAge = rng.int(ageLo, ageHi)
  let dischargeStatus = routineStatus(rng)
  const sdx: Array<string> = []
  const distractors: Array<Distractor> = []
  const poaN: Array<string> = []
  const taken = () => [pdx, ...sdx, ...procedures]

  if (difficulty !== "easy") {
    // Sepsis is mostly coded with organ dysfunction in real data (871 outnumbers 872).
    if ((pdx.startsWith("A41") || pdx.startsWith("A40")) && rng.chance(0.45)) sdx.push(rng.chance(0.5) ? "R65.20" : "R65.21")
    const weights: ReadonlyArray<readonly ["MCC" | "CC" | "none", number]> = scenario.elective === true
      ? [["MCC", 8], ["CC", 30], ["none", 62]]
      : [["MCC", 45], ["CC", 30], ["none", 25]]
    const severity = rng.weighted(weights, ([, w]) => w)[0]
    if (severity !== "none") {
      const code = pickSecondary(rng, severity === "MCC" ? SDX_MCC : SDX_CC, taken())
      if (code !== undefined) sdx.push(code)
    }
    const comorbidities = difficulty === "medium" ? rng.int(0, 2) : rng.int(1, 4)
    for (let i = 0; i < comorbidities; i++) {
      const code = pickSecondary(rng, SDX_NONE, taken())
      if (code !== undefined) sdx.push(code)
    }
    if (rng.chance(0.35)) {
      const specific = NON_OR_PROCEDURES.filter((p) => p.pdxPrefixes.some((prefix) => prefix !== "" && pdx.startsWith(prefix)))
      const anyStay = NON_OR_PROCEDURES.filter((p) => p.pdxPrefixes.includes(""))
      // Procedures that fit the diagnosis first; a catch-all (Foley) only now and then.
      const options = specific.length > 0 ? specific : rng.chance(0.3) ? anyStay : []
      if (options.length > 0) procedures.push(rng.pick(options).code)
    }
    if (sdx.includes("N18.6") && rng.chance(0.6)) procedures.push("5A1D60Z")
  }

  if (difficulty === "hard") {
    // A second severity code: often a CC in a family that splits on MCC only, which changes nothing.
    if (rng.chance(0.5)) {
      const code = pickSecondary(rng, rng.chance(0.6) ? SDX_CC : SDX_MCC, taken())
      if (code !== undefined) sdx.push(code)
    }
    // Hospital-acquired conditions (POA = N) that the final DRG ignores: a PE or DVT after a hip
    // or knee replacement, a pressure ulcer or line infection arising during the stay.
    const jointReplacement = procedures.some((p) => /^0SR[9ABCDR]/.test(p))
    if (rng.chance(jointReplacement ? 0.35 : 0.06)) {
      const code = rng.pick(jointReplacement ? ["I26.99", "I82.401"] : ["L89.153", "L89.154", "T82.7XXA"])
      if (!sdx.includes(code) && !conflictsWithAny(code, taken())) {
        sdx.push(code)
        poaN.push(code)
      }
    }
    // Alive-only MCC in a patient who died: it must not count.
    if (rng.chance(0.15)) {
      const code = rng.pick(ALIVE_ONLY_MCC)
      if (!conflictsWithAny(code, taken())) {
        sdx.push(code)
        dischargeStatus = "20"
      }
    }
    if (pdx.startsWith("I21") && rng.chance(0.3)) dischargeStatus = "20"
    const substance = pdx.startsWith("F10") || pdx.startsWith("F11")
    if (dischargeStatus !== "20" && rng.chance(substance ? 0.5 : 0.04)) dischargeStatus = "07"
    if (scenario.kind === "medical" && UNRELATED_OR_HOSTS.includes(pdx) && rng.chance(0.3)) {
      const options = UNRELATED_OR_PROCEDURES.filter((p) => p.sex === undefined || p.sex === sex)
      procedures.push(rng.pick(options).code)
    }
    const wanted = rng.int(1, 3)
    const fitting = DISTRACTORS.filter((x) => x.pdxPrefixes === undefined || x.pdxPrefixes.some((p) => pdx.startsWith(p)))
    // Distractors written for this principal diagnosis come first (a deferred operation is the
    // surgical-versus-medical trap), then generic ones.
    const specific = rng.shuffle(fitting.filter((x) => x.pdxPrefixes !== undefined))
    for (const distractor of [...specific, ...rng.shuffle(fitting.filter((x) => x.pdxPrefixes === undefined))]) {
      if (distractors.length >= wanted) break
      if (distractorContradicts(distractor, taken())) continue
      // "Not operated" must not sit beside any procedure that drives the DRG.
      if (distractor.kind === "deferred" && procedures.some((p) => PROCEDURES.get(p)?.orStatus !== "non-O.R.")) continue
      if (distractors.some((other) => conflicts(other.code, distractor.code))) continue
      distractors.push(distractor)
    }
  }
  // A secondary diagnosis of later life (COPD, CAD, AF …) raises the floor too: the drawn age
  // moves into [floor, hi] by the same fraction, so no extra draw shifts the stream.
  const floor = Math.max(ageLo, ...sdx.map((code) => ageRangeOf(code)[0]))
  const age = floor === ageLo ? drawnAge : floor + Math.round(((drawnAge - ageLo) / Math.max(1, ageHi - ageLo)) * Math.max(0, ageHi - floor))
  return { scenario: scenario.id, difficulty, pdx, sdx, procedures, age, sex, dischargeStatus, distractors, poaN }
}
