/**
 * The "MS-DRG corpus" SFT rows of DRG-Sapphire: the list of all titles, and the titles of
 * each MDC, as prompt/completion pairs built from a label space.
 */
import type { LabelSpace } from "@sapphire-rl/spec"
import { completion } from "./Prompt.ts"

/** One corpus row. */
export interface CorpusRow {
  readonly prompt: string
  readonly completion: string
}

/** The think text DRG-Sapphire uses for corpus rows. */
export const CORPUS_THINK = "To answer this question, I need to check what the MS-DRG codes are."

/**
 * Corpus rows in DRG-Sapphire's order: all titles; each MDC "01" … "25"; "No MDC" (999);
 * "Other" (pre-MDC, 981-989 and 998). Titles within a row follow DRG number order.
 */
export const corpusRows = (labelSpace: LabelSpace): ReadonlyArray<CorpusRow> => {
  const entries = [...labelSpace.entries].sort((a, b) => a.drg - b.drg)
  const row = (name: string, titles: ReadonlyArray<string>): CorpusRow => ({
    prompt: `The MDC family of ${name} codes in MS-DRG includes the following codes: `,
    completion: titles.join(", ")
  })
  const rows: Array<CorpusRow> = [{
    prompt: "Here is the list of all MS-DRG (Medicare Severity Diagnosis Related Group) code:",
    completion: entries.map((e) => e.title).join(", ")
  }]
  const mdcs = [...new Set(entries.flatMap((e) => (e.mdc === null ? [] : [e.mdc])))].sort()
  for (const mdc of mdcs) rows.push(row(`MDC ${mdc}`, entries.filter((e) => e.mdc === mdc).map((e) => e.title)))
  rows.push(row("No MDC", entries.filter((e) => e.drg === 999).map((e) => e.title)))
  rows.push(row("Other", entries.filter((e) => e.mdc === null && e.drg !== 999).map((e) => e.title)))
  return rows
}

/** A corpus row as an SFT completion (fixed think text, titles as the answer). */
export const corpusCompletion = (row: CorpusRow): string => completion(CORPUS_THINK, row.completion)
