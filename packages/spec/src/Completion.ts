/**
 * The completion format shared by the rewards and evaluation: one parser, so training and
 * evaluation can never read a different answer out of the same text.
 *
 * @since 2.1.0
 */

/**
 * DRG-Sapphire's format check (`^\s*<think>.*?</think>\s*<answer>(?:(?!<answer>|</answer>).)*?</answer>\s*$`
 * with the dot matching newlines), with two capture groups: the reasoning and the answer.
 * The answer block is the one the whole-text match ends with, so an `<answer>` tag inside the
 * reasoning is never taken for the answer.
 *
 * @since 2.1.0
 * @category constants
 */
export const COMPLETION_FORMAT: RegExp = /^\s*<think>(.*?)<\/think>\s*<answer>((?:(?!<answer>|<\/answer>).)*?)<\/answer>\s*$/s

/**
 * A completion read against `COMPLETION_FORMAT`.
 *
 * - `ok: true`: the whole text has the format; `think` and `answer` are the raw texts
 *   between the tags (not trimmed); `normalizedAnswer` is `normalizeAnswer(answer)`.
 * - `ok: false`: the format does not hold; there is no answer.
 *
 * @since 2.1.0
 * @category models
 */
export type ParsedCompletion =
  | { readonly ok: true; readonly think: string; readonly answer: string; readonly normalizedAnswer: string }
  | { readonly ok: false }

/**
 * How answers and titles are compared: upper-cased, trimmed, every run of whitespace
 * (including CR/LF and tabs) collapsed to one space.
 *
 * @since 2.1.0
 * @category utils
 */
export const normalizeAnswer = (text: string): string => text.toUpperCase().replace(/\s+/g, " ").trim()

/**
 * Parses a completion: the format check and the answer it matched, in one pass.
 *
 * @since 2.1.0
 * @category parsing
 */
export const parseCompletion = (text: string): ParsedCompletion => {
  const m = COMPLETION_FORMAT.exec(text)
  if (m === null) return { ok: false }
  const answer = m[2]!
  return { ok: true, think: m[1]!, answer, normalizedAnswer: normalizeAnswer(answer) }
}
