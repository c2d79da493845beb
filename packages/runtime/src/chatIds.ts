/**
 * Token ids of chat prompts and SFT conversations, as the stages feed them to the model.
 *
 * @since 0.1.0
 */
import type { ChatMessage, TextTokenizer } from "@sapphire-rl/model"

/**
 * The ids of a chat prompt, ending with the assistant turn's opening.
 *
 * @since 0.1.0
 * @category encoding
 */
export const promptIds = (tokenizer: TextTokenizer, messages: ReadonlyArray<ChatMessage>): Array<number> =>
  tokenizer.encode(tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true }), { addSpecialTokens: false })

/**
 * Prompt + completion ids of an SFT conversation (its last message is the assistant's),
 * ending with the turn's end token, cut to `maxLength`; `start` is where the completion begins.
 *
 * @since 0.1.0
 * @category encoding
 */
export const sftIds = (tokenizer: TextTokenizer, messages: ReadonlyArray<ChatMessage>, maxLength: number, eos: number) => {
  const prompt = promptIds(tokenizer, messages.slice(0, -1))
  const completion = [...tokenizer.encode(messages.at(-1)?.content ?? "", { addSpecialTokens: false }), eos]
  const ids = [...prompt, ...completion].slice(0, maxLength)
  return { ids, start: Math.min(prompt.length, ids.length - 1) }
}
