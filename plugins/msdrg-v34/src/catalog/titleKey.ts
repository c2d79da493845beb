/**
 * Comparison keys for family texts: abbreviations expanded, glued words split, connector
 * words dropped and word forms unified, so differently written names of one family meet.
 *
 * @since 0.1.0
 */
import { ABBREVIATIONS, KEY_SYNONYMS } from "./abbreviations.ts"

/**
 * Connector words dropped from keys: they carry no identity here ("CRANIAL/FACIAL" =
 * "CRANIAL AND FACIAL", "ALCOHOL/DRUG" = "ALCOHOL DRUG"); checked to keep the 340 family
 * keys distinct.
 *
 * @since 0.1.0
 */
export const STOPWORDS: ReadonlySet<string> = new Set(["AND", "OR", "OF", "THE"])

const stem = (word: string): string => {
  const direct = KEY_SYNONYMS.get(word)
  if (direct !== undefined) return direct
  let w = word
  if (w.length > 4 && w.endsWith("IES")) w = `${w.slice(0, -3)}Y`
  else if (w.length > 3 && w.endsWith("S") && !w.endsWith("SS")) w = w.slice(0, -1)
  return KEY_SYNONYMS.get(w) ?? w
}

const expand = (word: string): ReadonlyArray<string> => {
  const e = ABBREVIATIONS.get(word)
  return e === undefined ? [word] : e.split(" ")
}

const MAX_GLUED = 48

/**
 * Splits a glued token ("FACEMOUTH", "MALIGCIRRALC") into at most four known words,
 * preferring the fewest pieces; `undefined` when no split exists.
 *
 * @since 0.1.0
 */
export const splitGlued = (token: string, known: ReadonlySet<string>): ReadonlyArray<string> | undefined => {
  const n = token.length
  // Glued title words are short; the cap keeps hostile input linear.
  if (n > MAX_GLUED) return undefined
  // best[i]: fewest pieces covering token[0, i), with the split that achieves it.
  const best: Array<ReadonlyArray<string> | undefined> = new Array(n + 1).fill(undefined)
  best[0] = []
  for (let i = 0; i < n; i++) {
    const head = best[i]
    if (head === undefined || head.length >= 4) continue
    for (let j = i + 2; j <= n; j++) {
      const piece = token.slice(i, j)
      if (!known.has(piece)) continue
      const cand = [...head, piece]
      const cur = best[j]
      if (cur === undefined || cand.length < cur.length) best[j] = cand
    }
  }
  const out = best[n]
  return out !== undefined && out.length > 1 ? out : undefined
}

/**
 * The key words of an upper-case family text. `known` is the vocabulary used to split
 * glued tokens (pass an empty set to skip splitting).
 *
 * @since 0.1.0
 */
export const keyWords = (text: string, known: ReadonlySet<string>): Array<string> => {
  const prepared = text
    .replace(/(^|\s)96\+/g, "$1>96")
    .replace(/<96\b/g, "<=96")
  const out: Array<string> = []
  for (const raw of prepared.split(/\s+/)) {
    if (raw === "") continue
    const whole = ABBREVIATIONS.has(raw) ? [raw] : raw.split("/")
    for (const part of whole) {
      if (part === "") continue
      const pieces = known.size > 0 && !known.has(part) && !ABBREVIATIONS.has(part)
        ? (splitGlued(part, known) ?? [part])
        : [part]
      for (const piece of pieces) {
        for (const word of expand(piece)) {
          if (!STOPWORDS.has(word)) out.push(stem(word))
        }
      }
    }
  }
  return out
}

/**
 * Replaces each occurrence of the word sequence `from` by `to` in `words`.
 *
 * @since 0.1.0
 */
export const replaceWords = (
  words: ReadonlyArray<string>,
  from: ReadonlyArray<string>,
  to: ReadonlyArray<string>
): Array<string> => {
  if (from.length === 0) return [...words]
  const out: Array<string> = []
  let i = 0
  while (i < words.length) {
    let match = i + from.length <= words.length
    for (let k = 0; match && k < from.length; k++) match = words[i + k] === from[k]
    if (match) {
      out.push(...to)
      i += from.length
    } else {
      out.push(words[i]!)
      i++
    }
  }
  return out
}

/**
 * Length of the longest common subsequence of two word lists.
 *
 * @since 0.1.0
 */
export const lcsLength = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): number => {
  let prev = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0)
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!)
    }
    prev = cur
  }
  return prev[b.length]!
}
