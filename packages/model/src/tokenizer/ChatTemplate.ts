/**
 * Chat templates: the Jinja programs in `tokenizer_config.json` that turn a list of
 * messages into the prompt text, rendered with `@huggingface/jinja` as `transformers`'
 * `apply_chat_template` does.
 *
 * @since 0.1.0
 */
import { Template } from "@huggingface/jinja"

/**
 * One chat message.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant" | (string & {})
  readonly content: string
}

/**
 * Options of one rendering.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatTemplateOptions {
  /** Append the opening of the assistant turn (`<|im_start|>assistant\n`). */
  readonly addGenerationPrompt?: boolean
  readonly bosToken?: string | null
  readonly eosToken?: string | null
  /** Further template variables (e.g. `enable_thinking` for Qwen3). */
  readonly variables?: Readonly<Record<string, unknown>>
}

/**
 * ChatML as Qwen2.5-Instruct uses it, without tools: a default system turn when the
 * conversation has none, then `<|im_start|>role\ncontent<|im_end|>\n` per message.
 *
 * @since 0.1.0
 * @category constants
 */
export const QWEN2_5_CHAT_TEMPLATE = [
  "{%- if messages[0]['role'] == 'system' %}",
  "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}",
  "{%- else %}",
  "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}",
  "{%- endif %}",
  "{%- for message in messages %}",
  "{%- if not (message['role'] == 'system' and loop.first) %}",
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}",
  "{%- endif %}",
  "{%- endfor %}",
  "{%- if add_generation_prompt %}",
  "{{- '<|im_start|>assistant\\n' }}",
  "{%- endif %}"
].join("\n")

/**
 * Plain ChatML (Qwen's turn format without a default system turn), for the tiny presets,
 * where a default system prompt would only cost context.
 *
 * @since 0.1.0
 * @category constants
 */
export const CHATML_TEMPLATE = [
  "{%- for message in messages %}",
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}",
  "{%- endfor %}",
  "{%- if add_generation_prompt %}",
  "{{- '<|im_start|>assistant\\n' }}",
  "{%- endif %}"
].join("\n")

/**
 * A compiled chat template.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChatTemplate {
  readonly source: string
  readonly render: (messages: ReadonlyArray<ChatMessage>, options?: ChatTemplateOptions) => string
}

/**
 * Compiles a template once; rendering is then cheap.
 *
 * @since 0.1.0
 * @category constructors
 */
export const compileChatTemplate = (source: string): ChatTemplate => {
  const template = new Template(source)
  return {
    source,
    render: (messages, options = {}) =>
      template.render({
        ...options.variables,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: options.addGenerationPrompt ?? false,
        bos_token: options.bosToken ?? "",
        eos_token: options.eosToken ?? ""
      })
  }
}
