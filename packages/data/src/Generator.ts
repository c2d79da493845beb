/**
 * The synthetic MS-DRG benchmark generator: samples a case, groups it with the v34 grouper
 * for its gold DRG, and renders a note that carries the evidence for every code.
 */
import type { Grouper, GrouperInput, GrouperResult } from "@sapphire-rl/spec"
import { type Difficulty, DIFFICULTIES, type DrgMix, type SampledCase, sampleCase } from "./CaseSampler.ts"
import { type Mention, type NoteLength, renderNote } from "./NoteRenderer.ts"
import { deriveSeed, makePrng, type Prng } from "./Prng.ts"
import { type Scenario, SCENARIOS } from "./Scenarios.ts"
import type { DrgRecord } from "./Record.ts"
import { undot } from "./Vocabulary.ts"

/** Generator options. */
export interface GenerateOptions {
  /** Number of cases. */
  readonly n: number
  readonly seed: number
  /** "natural" (MIMIC-like frequencies, default) or "uniform" over the covered DRG families. */
  readonly mix?: DrgMix
  /** Relative weights of the difficulties (default easy 3, medium 4, hard 3). */
  readonly difficulty?: Partial<Record<Difficulty, number>>
  /** Note length; "mixed" (default) draws one per case. */
  readonly noteLength?: NoteLength | "mixed"
  /** Prefix of record ids (default "syn"). */
  readonly idPrefix?: string
}

/** A generated case with what its note mentions (for checks). */
export interface GeneratedCase {
  readonly record: DrgRecord
  readonly mentions: ReadonlyArray<Mention>
  readonly scenario: string
  readonly result: GrouperResult
}

/** The grouper input of a record or sampled case. */
export const grouperInput = (
  c: Pick<SampledCase, "pdx" | "sdx" | "procedures" | "age" | "sex" | "dischargeStatus"> & { readonly poaN?: ReadonlyArray<string> }
): GrouperInput => ({
  pdx: c.pdx,
  sdx: c.sdx.map((code) => (c.poaN?.includes(code) === true ? { code, poa: "N" as const } : code)),
  procedures: c.procedures,
  age: c.age,
  sex: c.sex,
  dischargeStatus: c.dischargeStatus
})

const pad = (drg: number): string => String(drg).padStart(3, "0")

/**
 * Why a note would give its label away: it names the DRG number, the word DRG, the title,
 * or one of the case's codes. `undefined` when it does not.
 */
export const leakIn = (text: string, drg: number, title: string, codes: ReadonlyArray<string>): string | undefined => {
  const upper = text.toUpperCase()
  if (/\bDRG\b/.test(upper)) return "mentions DRG"
  // A standalone number token (not part of a word, code or decimal), plain or zero-padded.
  if (new RegExp(`(?<![\\w.])0*${drg}(?![\\w]|\\.\\d)`).test(text)) return `names DRG ${pad(drg)}`
  if (title.length > 0 && upper.includes(title.toUpperCase())) return "names the DRG title"
  for (const code of codes) {
    for (const form of new Set([code.toUpperCase(), undot(code)])) {
      if (new RegExp(`(?<![\\w.])${form.replace(/\./g, "\\.")}(?![\\w])`).test(upper)) return `names code ${code}`
    }
  }
  return undefined
}

// Per grouper: each scenario's weight under the uniform mix, 1 / (scenarios sharing its family),
// found by grouping each scenario's plainest case (first PDX, first procedure set, no SDX).
const familyWeights = new WeakMap<Grouper, ReadonlyMap<string, number>>()

/** Scenario weights that make the uniform mix uniform over DRG families. */
export const familyUniformWeights = (grouper: Grouper): ReadonlyMap<string, number> => {
  const cached = familyWeights.get(grouper)
  if (cached !== undefined) return cached
  const familyOf = new Map<string, string>()
  for (const s of SCENARIOS) {
    const result = grouper.group({
      pdx: s.pdx[0] ?? "", sdx: [], procedures: s.procedureSets[0] ?? [], age: 60, sex: s.sex ?? "M", dischargeStatus: "01"
    })
    familyOf.set(s.id, `${result.mdc ?? "-"}|${result.family}`)
  }
  const counts = new Map<string, number>()
  for (const f of familyOf.values()) counts.set(f, (counts.get(f) ?? 0) + 1)
  const weights = new Map([...familyOf.entries()].map(([id, f]) => [id, 1 / (counts.get(f) ?? 1)]))
  familyWeights.set(grouper, weights)
  return weights
}

const DEFAULT_DIFFICULTY: Record<Difficulty, number> = { easy: 3, medium: 4, hard: 3 }

/**
 * The difficulty weights of a run: the given ones over the defaults. Throws a RangeError when
 * none is positive (so a CLI can check its arguments before generating anything).
 */
export const difficultyWeights = (given: GenerateOptions["difficulty"]): Record<Difficulty, number> => {
  const weights = { ...DEFAULT_DIFFICULTY, ...given }
  if (!DIFFICULTIES.some((d) => weights[d] > 0)) throw new RangeError("the difficulty weights need at least one positive weight")
  return weights
}

/** Generates case `index` of a run; independent of the other indices. */
export const generateCase = (grouper: Grouper, options: GenerateOptions, index: number): GeneratedCase => {
  const rng: Prng = makePrng(deriveSeed(options.seed, index))
  const weights = difficultyWeights(options.difficulty)
  const difficulty = rng.weighted(DIFFICULTIES, (d) => weights[d])
  const mix = options.mix ?? "natural"
  const uniform = mix === "uniform" ? familyUniformWeights(grouper) : undefined
  const uniformWeight = uniform === undefined ? undefined : (s: Scenario) => uniform.get(s.id) ?? 1
  for (let attempt = 0; attempt < 50; attempt++) {
    const caseRng = rng.fork()
    const sampled = sampleCase(caseRng, difficulty, mix, uniformWeight)
    const result = grouper.group(grouperInput(sampled))
    if (result.drg === 999 || result.drg === 998 || result.error !== undefined || !result.coverage.complete) continue
    const length: NoteLength = options.noteLength === undefined || options.noteLength === "mixed"
      ? caseRng.weighted(["short", "medium", "long"] as const, (l) => (l === "medium" ? 2 : 1))
      : options.noteLength
    const codes = [sampled.pdx, ...sampled.sdx, ...sampled.procedures]
    for (let render = 0; render < 5; render++) {
      const note = renderNote(caseRng, sampled, result.drg, length)
      if (leakIn(note.text, result.drg, result.title, codes) !== undefined) continue
      const record: DrgRecord = {
        id: `${options.idPrefix ?? "syn"}-${options.seed}-${String(index).padStart(6, "0")}`,
        text: note.text,
        pdx: sampled.pdx,
        sdx: sampled.sdx,
        ...(sampled.poaN.length > 0 ? { poaN: sampled.poaN } : {}),
        procedures: sampled.procedures,
        age: sampled.age,
        sex: sampled.sex,
        dischargeStatus: sampled.dischargeStatus,
        drg: result.drg,
        title: result.title,
        family: result.family,
        tier: result.tier,
        difficulty
      }
      return { record, mentions: note.mentions, scenario: sampled.scenario, result }
    }
  }
  throw new Error(`generateCase: no groupable, leak-free case after 50 attempts (seed ${options.seed}, index ${index})`)
}

/** Generates `options.n` cases lazily, in index order. */
export function* generateCases(grouper: Grouper, options: GenerateOptions): Generator<GeneratedCase> {
  for (let i = 0; i < options.n; i++) yield generateCase(grouper, options, i)
}
