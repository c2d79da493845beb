/**
 * A Hugging Face tokenizer (`tokenizer.json` + `tokenizer_config.json`, e.g. Qwen2.5's
 * byte-level BPE) through `@huggingface/tokenizers`, with its chat template and the
 * special tokens generation needs (EOS set, pad).
 *
 * @since 0.1.0
 */
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers"
import { modelFileError } from "../ModelFileError.ts"
import { parseJsonFile } from "../parseJsonFile.ts"
import type { ChatMessage, ChatTemplate, ChatTemplateOptions } from "./ChatTemplate.ts"
import { compileChatTemplate } from "./ChatTemplate.ts"

/**
 * Text to ids and back, plus chat formatting.
 *
 * @since 0.1.0
 * @category models
 */
export interface TextTokenizer {
  /** One more than the largest id (regular vocabulary and added tokens). */
  readonly vocabSize: number
  readonly eosToken: string | null
  readonly padToken: string | null
  readonly bosToken: string | null
  /**
   * Ids that end a generation: the configured EOS token, and Qwen's `<|im_end|>` and
   * `<|endoftext|>` where present (Qwen's `generation_config.json` stops on both).
   */
  readonly eosTokenIds: ReadonlyArray<number>
  readonly padTokenId: number | null
  /** Ids of tokens marked `special` (dropped by `decode(…, { skipSpecialTokens: true })`). */
  readonly specialTokenIds: ReadonlySet<number>
  readonly chatTemplate: ChatTemplate | null
  readonly encode: (text: string, options?: { readonly addSpecialTokens?: boolean }) => Array<number>
  readonly decode: (ids: ReadonlyArray<number>, options?: { readonly skipSpecialTokens?: boolean }) => string
  readonly tokenToId: (token: string) => number | undefined
  readonly idToToken: (id: number) => string | undefined
  /** Renders messages with the chat template; throws when the tokenizer has none. */
  readonly applyChatTemplate: (messages: ReadonlyArray<ChatMessage>, options?: ChatTemplateOptions) => string
}

type Json = Record<string, unknown>

const isRecord = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x)

// tokenizer_config.json writes special tokens either as strings or as AddedToken objects.
const tokenString = (x: unknown): string | null =>
  typeof x === "string" ? x : isRecord(x) && typeof x["content"] === "string" ? x["content"] : null

const templateSource = (x: unknown): string | null => {
  if (typeof x === "string") return x
  // A list of named templates: use "default".
  if (Array.isArray(x)) {
    for (const t of x) if (isRecord(t) && t["name"] === "default" && typeof t["template"] === "string") return t["template"]
  }
  return null
}

/**
 * Builds a tokenizer from the parsed `tokenizer.json` and `tokenizer_config.json`.
 * `file` and `configFile` name them in errors. `chatTemplate` overrides the config's template.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTokenizer = (
  tokenizerJson: unknown,
  tokenizerConfig: unknown = {},
  options: { readonly file?: string; readonly configFile?: string; readonly chatTemplate?: string } = {}
): TextTokenizer => {
  const file = options.file ?? "tokenizer.json"
  if (!isRecord(tokenizerJson) || !isRecord(tokenizerJson["model"])) {
    throw modelFileError(file, "not a tokenizer.json (no model object)")
  }
  const config = isRecord(tokenizerConfig) ? tokenizerConfig : {}
  let hf: HfTokenizer
  try {
    hf = new HfTokenizer(tokenizerJson, config)
  } catch (e) {
    throw modelFileError(file, `cannot build the tokenizer (${(e as Error).message})`)
  }
  const vocab = hf.get_vocab(true)
  let vocabSize = 0
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1)
  const specialTokenIds = new Set<number>()
  const added = tokenizerJson["added_tokens"]
  if (Array.isArray(added)) {
    for (const t of added) if (isRecord(t) && t["special"] === true && typeof t["id"] === "number") specialTokenIds.add(t["id"])
  }
  const eosToken = tokenString(config["eos_token"])
  const padToken = tokenString(config["pad_token"])
  const bosToken = tokenString(config["bos_token"])
  const eosTokenIds: Array<number> = []
  for (const t of [eosToken, "<|im_end|>", "<|endoftext|>"]) {
    const id = t === null ? undefined : hf.token_to_id(t)
    if (id !== undefined && !eosTokenIds.includes(id)) eosTokenIds.push(id)
  }
  const cleanUpSpaces = config["clean_up_tokenization_spaces"] === true
  const source = options.chatTemplate ?? templateSource(config["chat_template"])
  let chatTemplate: ChatTemplate | null = null
  try {
    if (source !== null) chatTemplate = compileChatTemplate(source)
  } catch (e) {
    // The Jinja parser's message alone does not say which template it was.
    const where = options.chatTemplate !== undefined ? "the chatTemplate option" : options.configFile ?? "tokenizer_config.json"
    throw modelFileError(where, `chat_template does not compile (${(e as Error).message})`)
  }
  return {
    vocabSize,
    eosToken,
    padToken,
    bosToken,
    eosTokenIds,
    padTokenId: padToken === null ? null : hf.token_to_id(padToken) ?? null,
    specialTokenIds,
    chatTemplate,
    encode: (text, o) => hf.encode(text, { add_special_tokens: o?.addSpecialTokens ?? true }).ids,
    // The library rejects an empty list; an empty completion is ordinary here. It also
    // defaults to clean_up_tokenization_spaces = true (" !" → "!"), which breaks round trips;
    // Hugging Face transformers 5 and Qwen's tokenizer_config default it to false.
    decode: (ids, o) =>
      ids.length === 0 ? "" : hf.decode([...ids], {
        skip_special_tokens: o?.skipSpecialTokens ?? false,
        clean_up_tokenization_spaces: cleanUpSpaces
      }),
    tokenToId: (token) => hf.token_to_id(token),
    idToToken: (id) => hf.id_to_token(id),
    applyChatTemplate: (messages, o) => {
      if (chatTemplate === null) throw modelFileError(file, "the tokenizer has no chat_template")
      return chatTemplate.render(messages, { bosToken, eosToken, ...o })
    }
  }
}

/**
 * Builds a tokenizer from the texts of `tokenizer.json` and `tokenizer_config.json`
 * (bad JSON is reported with the file name).
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseTokenizer = (
  tokenizerText: string,
  configText: string | undefined,
  options: { readonly file?: string; readonly configFile?: string; readonly chatTemplate?: string } = {}
): TextTokenizer => {
  const file = options.file ?? "tokenizer.json"
  const configFile = options.configFile ?? "tokenizer_config.json"
  return makeTokenizer(
    parseJsonFile(tokenizerText, file),
    configText === undefined ? {} : parseJsonFile(configText, configFile),
    options.chatTemplate === undefined ? { file, configFile } : { file, configFile, chatTemplate: options.chatTemplate }
  )
}
