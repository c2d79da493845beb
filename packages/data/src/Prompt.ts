/**
 * The DRG-Sapphire task format: user prompt, system prompt, SFT introduction and the
 * `<think>…</think><answer>…</answer>` completion (see shared/paper/NOTES.md).
 */

/** The user turn, exactly as DRG-Sapphire builds it around a note. */
export const userPrompt = (note: string): string =>
  "What is the most likely Medicare Severity Diagnosis Related Group (MS-DRG) based on the following discharge summary of a hospitalization? Provide the complete text description of the DRG code without including the numerical code. \n***" +
  note +
  "***."

/** Open-R1's default system prompt, which DRG-Sapphire kept. */
export const SYSTEM_PROMPT =
  "You are a helpful AI Assistant that provides well-reasoned and detailed responses. You first think about the reasoning process as an internal monologue and then provide the user with the answer. Respond in the following format: <think>\n...\n</think>\n<answer>\n...\n</answer>"

/**
 * The introduction SFT prompts prepend. The paper names it but does not print it, so this is
 * our own wording of the same content (what an MS-DRG, a CC and an MCC are).
 */
export const SFT_INTRODUCTION =
  "Medicare Severity Diagnosis Related Groups (MS-DRGs) classify each hospital stay by its principal diagnosis, the procedures performed, and the presence of complications or comorbidities. A secondary diagnosis may be a CC (complication or comorbidity) or an MCC (major complication or comorbidity); many DRGs are split into versions WITH MCC, WITH CC, or WITHOUT CC/MCC according to the most severe secondary diagnosis."

/** The SFT user turn: introduction paragraph, blank line, task prompt. */
export const sftUserPrompt = (note: string): string => `${SFT_INTRODUCTION}\n\n${userPrompt(note)}`

/** A completion in the required format. */
export const completion = (think: string, answer: string): string =>
  `<think>\n${think}\n</think>\n<answer>\n${answer}\n</answer>`

/** One chat message. */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

/** The prompt messages of a case (system + user). */
export const promptMessages = (note: string, options?: { readonly sft?: boolean }): ReadonlyArray<ChatMessage> => [
  { role: "system", content: SYSTEM_PROMPT },
  { role: "user", content: options?.sft === true ? sftUserPrompt(note) : userPrompt(note) }
]
