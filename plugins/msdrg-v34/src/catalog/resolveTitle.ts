/**
 * Resolving free text to a v34 title: exact, then normalized, then by family and tier
 * after expanding abbreviations, fixing known misspellings, mapping renamed phrases of
 * other grouper versions and, last, tolerating truncation.
 *
 * @since 0.1.0
 */
import type { DrgEntry, DrgFamily, Resolution, SeverityTier } from "@sapphire-rl/spec"
import { ABBREVIATIONS } from "./abbreviations.ts"
import { catalogIndex } from "./catalogIndex.ts"
import { normalizeTitle } from "./normalizeTitle.ts"
import { SEVERITY_CLAUSE_PATTERN, SEVERITY_CLAUSES, TIER_CLAUSE, parseTitle } from "./parseTitle.ts"
import { fixSpellings } from "./spellings.ts"
import { STOPWORDS, keyWords, lcsLength, replaceWords } from "./titleKey.ts"
import { PHRASE_RENAMES, SEVERITY_CROSSWALK } from "./versionCrosswalk.ts"

/** Minimum word-sequence similarity for a fuzzy family match, and its lead over the next. */
const FUZZY_MIN = 0.85
const FUZZY_MARGIN = 0.05

interface FamilyKey {
  readonly family: DrgFamily
  readonly words: ReadonlyArray<string>
}

interface ResolveTables {
  readonly byNormalized: ReadonlyMap<string, DrgEntry>
  readonly vocabulary: ReadonlySet<string>
  readonly familyByKey: ReadonlyMap<string, DrgFamily>
  readonly familyKeys: ReadonlyArray<FamilyKey>
  readonly renames: ReadonlyArray<readonly [ReadonlyArray<string>, ReadonlyArray<string>]>
  readonly crosswalk: ReadonlyMap<string, { readonly complicated: DrgFamily; readonly uncomplicated: DrgFamily }>
}

let tables: ResolveTables | undefined

/**
 * The resolution tables (built once). Exported for tests.
 *
 * @since 0.1.0
 */
export const resolveTables = (): ResolveTables => {
  if (tables !== undefined) return tables
  const index = catalogIndex()
  const byNormalized = new Map<string, DrgEntry>()
  for (const e of index.entries) byNormalized.set(normalizeTitle(e.title), e)

  const vocabulary = new Set<string>(STOPWORDS)
  for (const e of index.entries) {
    for (const w of fixSpellings(normalizeTitle(e.title)).split(/[\s/]+/)) vocabulary.add(w)
  }
  for (const k of ABBREVIATIONS.keys()) vocabulary.add(k)

  const familyByKey = new Map<string, DrgFamily>()
  const familyKeys: Array<FamilyKey> = []
  const addKey = (family: DrgFamily, text: string) => {
    const words = keyWords(text, vocabulary)
    const key = words.join(" ")
    const other = familyByKey.get(key)
    if (other !== undefined && other !== family) {
      throw new Error(`families ${other.id} and ${family.id} share the key "${key}"`)
    }
    if (other === undefined) {
      familyByKey.set(key, family)
      familyKeys.push({ family, words })
    }
  }
  for (const e of index.entries) addKey(index.families[e.familyId]!, parseTitle(e.title).familyText)
  for (const f of index.families) addKey(f, f.family)

  const familyOf = (text: string): DrgFamily => {
    const f = familyByKey.get(keyWords(text, vocabulary).join(" "))
    if (f === undefined) throw new Error(`crosswalk target is not a v34 family: ${text}`)
    return f
  }
  const crosswalk = new Map(SEVERITY_CROSSWALK.map((c) => [
    keyWords(c.from, vocabulary).join(" "),
    { complicated: familyOf(c.complicated), uncomplicated: familyOf(c.uncomplicated) }
  ]))
  const renames = PHRASE_RENAMES.map((r) =>
    [keyWords(r.from, vocabulary), keyWords(r.to, vocabulary)] as const
  )
  tables = { byNormalized, vocabulary, familyByKey, familyKeys, renames, crosswalk }
  return tables
}

const members = (family: DrgFamily): ReadonlyArray<DrgEntry> => {
  const byDrg = catalogIndex().byDrg
  return family.drgs.map((d) => byDrg.get(d)!)
}

/**
 * The family's DRG for a tier. A tier the family does not split on folds into the one
 * that contains it (MCC or CC → "WITH CC/MCC"; "WITHOUT CC/MCC" → "WITHOUT MCC"; any tier
 * → a family without split); "WITH CC" never folds into "WITHOUT MCC", nor "WITH CC/MCC"
 * into a three-way family, since those would change the text's meaning.
 */
const pickTier = (family: DrgFamily, tier: SeverityTier): DrgEntry | undefined => {
  const list = members(family)
  const direct = list.find((e) => e.tier === tier)
  if (direct !== undefined) return direct
  if (family.pattern === "single") return list[0]
  if (family.pattern === "2-way-CC-MCC" && (tier === "MCC" || tier === "CC")) {
    return list.find((e) => e.tier === "CC-or-MCC")
  }
  if (family.pattern === "2-way-MCC" && tier === "without-CC-MCC") {
    return list.find((e) => e.tier === "without-MCC")
  }
  return undefined
}

const isComplicated = (tier: SeverityTier): boolean => tier === "MCC" || tier === "CC" || tier === "CC-or-MCC"

// As parseTitle's, but the "OR …" may be cut off by truncation.
const SEVERITY_AT_END = new RegExp(String.raw`^(.*?)\s+(${SEVERITY_CLAUSE_PATTERN})(?:\s+OR(?:\s+(.*))?)?$`)

/** Text split into family part and tier; a dangling connector from truncation is dropped. */
const splitSeverity = (text: string): { readonly family: string; readonly tier: SeverityTier } => {
  const t = text.replace(/\s+(OR|AND|WITH|WITHOUT)$/, "")
  const m = SEVERITY_AT_END.exec(t)
  if (m === null) return { family: t, tier: "none" }
  return { family: m[1]!, tier: SEVERITY_CLAUSES.get(m[2]!)! }
}

type FamilyMatch =
  | { readonly kind: "family"; readonly family: DrgFamily }
  | { readonly kind: "entry"; readonly entry: DrgEntry | undefined; readonly family: DrgFamily }

const findFamily = (words: ReadonlyArray<string>, tier: SeverityTier, t: ResolveTables): FamilyMatch | undefined => {
  const key = words.join(" ")
  const direct = t.familyByKey.get(key)
  if (direct !== undefined) return { kind: "family", family: direct }
  const cross = t.crosswalk.get(key)
  if (cross !== undefined) {
    const family = isComplicated(tier) ? cross.complicated : cross.uncomplicated
    return { kind: "entry", entry: pickTier(family, family.pattern === "single" ? "none" : tier), family }
  }
  return undefined
}

/** Truncated text: the words are a prefix of exactly one family's words (last word may be cut). */
const prefixFamily = (words: ReadonlyArray<string>, t: ResolveTables): DrgFamily | undefined => {
  if (words.length < 3) return undefined
  const found = new Set<DrgFamily>()
  for (const fk of t.familyKeys) {
    if (fk.words.length <= words.length) continue
    let ok = true
    for (let i = 0; ok && i < words.length; i++) {
      const w = words[i]!
      const f = fk.words[i]!
      ok = i === words.length - 1 ? f.startsWith(w) : f === w
    }
    if (ok) found.add(fk.family)
  }
  return found.size === 1 ? [...found][0] : undefined
}

const similarity = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): number =>
  lcsLength(a, b) / Math.max(a.length, b.length, 1)

const rankFamilies = (words: ReadonlyArray<string>, t: ResolveTables): Array<{ family: DrgFamily; score: number }> => {
  const best = new Map<DrgFamily, number>()
  for (const fk of t.familyKeys) {
    const s = similarity(words, fk.words)
    if (s > (best.get(fk.family) ?? -1)) best.set(fk.family, s)
  }
  return [...best].map(([family, score]) => ({ family, score })).sort((a, b) => b.score - a.score || a.family.id - b.family.id)
}

const ok = (entry: DrgEntry, normalized: string): Resolution => {
  // "spelling" when correcting known misspellings is all that separates text and title.
  const title = normalizeTitle(entry.title)
  const spellingOnly = normalized !== title && fixSpellings(normalized) === fixSpellings(title)
  return { ok: true, drg: entry.drg, title: entry.title, method: spellingOnly ? "spelling" : "abbreviation" }
}

const candidatesOf = (families: ReadonlyArray<DrgFamily>, tier: SeverityTier) =>
  families
    .flatMap((f) => {
      const e = tier === "none" ? undefined : pickTier(f, tier)
      return e !== undefined ? [e] : members(f)
    })
    .slice(0, 5)
    .map((e) => ({ drg: e.drg, title: e.title }))

const tierMismatch = (family: DrgFamily, tier: SeverityTier): Resolution => ({
  ok: false,
  reason: `names the v34 family "${family.family}" (${family.pattern}) but ${tier === "none" ? "with no severity clause" : `with ${TIER_CLAUSE[tier]}`}, which that family does not have`,
  candidates: candidatesOf([family], "none")
})

/**
 * Resolves free text to a v34 DRG title. Never throws.
 *
 * - `exact`: the text is a label-space title;
 * - `normalized`: equal after {@link normalizeTitle} (case, commas, `W`/`W/O`, `&`, spaces);
 * - `spelling`: equal once the label space's known misspellings are corrected;
 * - `abbreviation`: same family and tier after expanding abbreviations, splitting glued
 *   words, mapping other versions' renamed phrases, or completing a truncated text.
 *
 * @since 0.1.0
 */
export const resolveTitle = (text: string): Resolution => {
  if (typeof text !== "string") return { ok: false, reason: "not a string", candidates: [] }
  const index = catalogIndex()
  const exact = index.byExactTitle.get(text)
  if (exact !== undefined) return { ok: true, drg: exact.drg, title: exact.title, method: "exact" }
  const normalized = normalizeTitle(text)
  if (normalized === "") return { ok: false, reason: "empty text", candidates: [] }
  const t = resolveTables()
  const byNorm = t.byNormalized.get(normalized)
  if (byNorm !== undefined) return { ok: true, drg: byNorm.drg, title: byNorm.title, method: "normalized" }

  const input = fixSpellings(normalized)
  // Word abbreviations first, so "WO CC/MCC" or "W/O" forms still end in a severity clause.
  const expanded = input.split(" ").map((w) => ABBREVIATIONS.get(w) ?? w).join(" ")
  const { family: familyText, tier } = splitSeverity(expanded)
  let words = keyWords(familyText, t.vocabulary)

  const settle = (m: FamilyMatch): Resolution => {
    const entry = m.kind === "entry" ? m.entry : pickTier(m.family, tier)
    return entry !== undefined ? ok(entry, normalized) : tierMismatch(m.family, tier)
  }

  let match = findFamily(words, tier, t)
  if (match === undefined) {
    for (const [from, to] of t.renames) words = replaceWords(words, from, to)
    match = findFamily(words, tier, t)
  }
  // A trailing "OR …" on a text without tier is an alternative criterion of a later version.
  if (match === undefined && tier === "none") {
    let rest = familyText
    while (match === undefined && / OR /.test(rest)) {
      rest = rest.slice(0, rest.lastIndexOf(" OR "))
      match = findFamily(keyWords(rest, t.vocabulary), tier, t)
    }
  }
  if (match !== undefined) return settle(match)

  const prefix = prefixFamily(words, t)
  if (prefix !== undefined) return settle({ kind: "family", family: prefix })

  const ranked = rankFamilies(words, t)
  const [first, second] = ranked
  if (first !== undefined && first.score >= FUZZY_MIN && first.score - (second?.score ?? 0) >= FUZZY_MARGIN) {
    return settle({ kind: "family", family: first.family })
  }
  return {
    ok: false,
    reason: "no v34 title or family matches this text",
    candidates: candidatesOf(ranked.slice(0, 3).filter((r) => r.score > 0).map((r) => r.family), tier)
  }
}
