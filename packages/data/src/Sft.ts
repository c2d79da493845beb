/**
 * SFT examples in chat form: a synthetic case with a grouper-trace rationale, or a corpus row.
 */
import type { GrouperResult, LabelSpace } from "@sapphire-rl/spec"
import { type CorpusRow, corpusCompletion } from "./Corpus.ts"
import { type ChatMessage, promptMessages, SYSTEM_PROMPT } from "./Prompt.ts"
import { type RationaleStyle, sftCompletion } from "./Rationale.ts"
import type { DrgRecord } from "./Record.ts"

/** One SFT example: system, user and assistant messages. */
export interface SftExample {
  readonly id: string
  readonly messages: ReadonlyArray<ChatMessage>
}

/** The SFT example of a synthetic case. */
export const caseSftExample = (
  record: DrgRecord,
  result: GrouperResult,
  style: RationaleStyle,
  labelSpace?: LabelSpace
): SftExample => ({
  id: `${record.id}:${style}`,
  messages: [
    ...promptMessages(record.text, { sft: true }),
    { role: "assistant", content: sftCompletion(style, record, result, labelSpace) }
  ]
})

/** The SFT example of a corpus row (its prompt is used as is, as DRG-Sapphire does). */
export const corpusSftExample = (row: CorpusRow, index: number): SftExample => ({
  id: `corpus:${index}`,
  messages: [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: row.prompt },
    { role: "assistant", content: corpusCompletion(row) }
  ]
})
