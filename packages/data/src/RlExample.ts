/**
 * GRPO (RL) examples: the prompt messages of a case and the gold answer the reward checks.
 */
import { type ChatMessage, promptMessages } from "./Prompt.ts"
import type { DrgRecord } from "./Record.ts"

/** One RL prompt with its reference answer. */
export interface RlExample {
  readonly id: string
  readonly messages: ReadonlyArray<ChatMessage>
  /** The gold DRG title (the answer string the accuracy reward compares). */
  readonly answer: string
  readonly drg: number
}

/** The RL example of a record (plain user prompt, no SFT introduction, as in DRG-Sapphire's GRPO data). */
export const rlExample = (record: DrgRecord): RlExample => ({
  id: record.id,
  messages: promptMessages(record.text),
  answer: record.title,
  drg: record.drg
})
