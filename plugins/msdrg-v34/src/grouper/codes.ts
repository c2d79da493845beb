/**
 * Code normalization and pattern matching shared by the grouper and the loaders.
 */
import type { CodePattern } from "../tables/types.ts"

/** Upper case, without dots or blanks: the form CMS tables use. */
export const normalizeCode = (code: string): string => code.toUpperCase().replace(/[.\s]/g, "")

/**
 * Regular-expression source (no anchors) of an undotted ICD-10-CM code: letter, digit,
 * then 1-5 alphanumerics. The CMS text parsers embed it, so one shape serves them all.
 */
export const DIAGNOSIS_CODE = "[A-Z][0-9][0-9A-Z]{1,5}"

/** Regular-expression source (no anchors) of an ICD-10-PCS code: 7 alphanumerics, never I or O. */
export const PROCEDURE_CODE = "[0-9A-HJ-NP-Z]{7}"

const DIAGNOSIS_SHAPE = new RegExp(`^${DIAGNOSIS_CODE}$`)
const PROCEDURE_SHAPE = new RegExp(`^${PROCEDURE_CODE}$`)

/** Shape of an ICD-10-CM code (undotted): letter, digit, then 1-5 alphanumerics. */
export const isDiagnosisShape = (code: string): boolean => DIAGNOSIS_SHAPE.test(code)

/** Shape of an ICD-10-PCS code: 7 alphanumerics (PCS never uses I or O). */
export const isProcedureShape = (code: string): boolean => PROCEDURE_SHAPE.test(code)

/** Dotted display form of an ICD-10-CM code ("A4151" → "A41.51"). */
export const dotted = (code: string): string => (code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code)

/** A compiled pattern list. */
export interface CodeMatcher {
  readonly test: (code: string) => boolean
}

const compile = (patterns: ReadonlyArray<CodePattern>): CodeMatcher => {
  const exact = new Set<string>()
  const prefixes: Array<string> = []
  const globs: Array<RegExp> = []
  for (const raw of patterns) {
    const p = normalizeCode(raw.replace(/\*/g, "\u0000")).replace(/\u0000/g, "*")
    const star = p.indexOf("*")
    if (star === -1) exact.add(p)
    else if (star === p.length - 1) prefixes.push(p.slice(0, -1))
    else globs.push(new RegExp(`^${p.split("*").join("[0-9A-Z]*")}$`))
  }
  return {
    test: (code) => exact.has(code) || prefixes.some((prefix) => code.startsWith(prefix)) || globs.some((g) => g.test(code))
  }
}

const cache = new WeakMap<ReadonlyArray<CodePattern>, CodeMatcher>()

/** Matcher for a pattern list (exact codes, `X*` prefixes, `X*Y` globs); cached per list. */
export const matcherOf = (patterns: ReadonlyArray<CodePattern>): CodeMatcher => {
  let m = cache.get(patterns)
  if (m === undefined) {
    m = compile(patterns)
    cache.set(patterns, m)
  }
  return m
}
