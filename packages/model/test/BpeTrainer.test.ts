import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  byteLevelPreTokens,
  DRG_SMALL_CONFIG,
  DRG_TINY_TOKENS,
  drgTinyTokenizer,
  makeTokenizer,
  TINY_TEST_CONFIG,
  trainByteLevelBpe
} from "../src/index.ts"

const corpus = [
  "sepsis with MCC", "severe sepsis without MCC", "heart failure and shock with MCC",
  "<|im_start|>user\nseptic shock<|im_end|>\n", "acute kidney injury", "pneumonia with MCC"
].flatMap((s) => [s, s, s])

// The textbook BPE encoder, written independently of the library: repeatedly merge the
// adjacent pair with the lowest merge rank.
const naiveEncode = (word: string, merges: ReadonlyArray<string>): Array<string> => {
  const rank = new Map(merges.map((m, i) => [m, i]))
  let parts = [...word]
  for (;;) {
    let best = -1
    let bestRank = Infinity
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = rank.get(`${parts[i]} ${parts[i + 1]}`)
      if (r !== undefined && r < bestRank) {
        bestRank = r
        best = i
      }
    }
    if (best < 0) return parts
    parts = [...parts.slice(0, best), parts[best]! + parts[best + 1]!, ...parts.slice(best + 2)]
  }
}

describe("byte-level BPE trainer", () => {
  const added = [{ content: "<|im_start|>", special: true }, { content: "<|im_end|>", special: true }]
  const trained = trainByteLevelBpe(corpus, { vocabSize: 300, addedTokens: added })
  const model = trained.tokenizerJson["model"] as { vocab: Record<string, number>; merges: Array<string> }
  const tok = makeTokenizer(trained.tokenizerJson, {})

  it("fills the requested vocabulary, added tokens last", () => {
    expect(trained.vocabSize).toBe(300)
    expect(Object.keys(model.vocab)).toHaveLength(298)
    expect(tok.tokenToId("<|im_start|>")).toBe(298)
    expect(tok.tokenToId("<|im_end|>")).toBe(299)
  })

  it("is deterministic and merges the most frequent pair first", () => {
    expect(trainByteLevelBpe(corpus, { vocabSize: 300, addedTokens: added })).toEqual(trained)
    const counts = new Map<string, number>()
    for (const text of corpus) {
      for (const seg of text.split(/<\|im_start\|>|<\|im_end\|>/)) {
        for (const w of byteLevelPreTokens(seg)) {
          const chars = [...w]
          for (let i = 0; i + 1 < chars.length; i++) {
            const k = `${chars[i]} ${chars[i + 1]}`
            counts.set(k, (counts.get(k) ?? 0) + 1)
          }
        }
      }
    }
    const top = Math.max(...counts.values())
    expect(counts.get(model.merges[0]!)).toBe(top)
  })

  it("never learns merges across added tokens", () => {
    expect(model.merges.some((m) => m.includes("<|") || m.includes("|>"))).toBe(false)
  })

  it("yields a tokenizer.json the HF library encodes as textbook BPE would", () => {
    for (const text of ["septic shock with MCC", "kidney failure", "Unseen WORDS, 42!"]) {
      const expected = byteLevelPreTokens(text).flatMap((w) => naiveEncode(w, model.merges)).map((t) => model.vocab[t])
      expect(tok.encode(text)).toEqual(expected)
    }
  })

  it("keeps a space before punctuation unless the config asks for clean-up (found by the property below)", () => {
    expect(tok.decode(tok.encode(" !"))).toBe(" !")
    const cleaning = makeTokenizer(trained.tokenizerJson, { clean_up_tokenization_spaces: true })
    expect(cleaning.decode(cleaning.encode("a !"))).toBe("a!")
  })

  it("round-trips any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        const text = s.normalize("NFC")
        expect(tok.decode(tok.encode(text))).toBe(text)
      }),
      { numRuns: 100 }
    )
  })
})

describe("drg-tiny preset", () => {
  const tok = drgTinyTokenizer()

  it("has the ids the presets rely on", () => {
    expect(tok.vocabSize).toBe(DRG_TINY_TOKENS.vocabSize)
    expect(tok.tokenToId("<|endoftext|>")).toBe(DRG_TINY_TOKENS.endOfText)
    expect(tok.tokenToId("<|im_start|>")).toBe(DRG_TINY_TOKENS.imStart)
    expect(tok.tokenToId("<|im_end|>")).toBe(DRG_TINY_TOKENS.imEnd)
    expect(tok.tokenToId("<think>")).toBe(DRG_TINY_TOKENS.thinkOpen)
    expect(tok.tokenToId("</answer>")).toBe(DRG_TINY_TOKENS.answerClose)
    expect(TINY_TEST_CONFIG.eosTokenIds).toEqual(tok.eosTokenIds)
    expect(DRG_SMALL_CONFIG.vocabSize).toBe(tok.vocabSize)
  })

  it("renders ChatML and keeps the think/answer tags as single tokens", () => {
    const prompt = tok.applyChatTemplate(
      [{ role: "system", content: "Think, then answer." }, { role: "user", content: "Note: sepsis." }],
      { addGenerationPrompt: true }
    )
    expect(prompt).toBe("<|im_start|>system\nThink, then answer.<|im_end|>\n<|im_start|>user\nNote: sepsis.<|im_end|>\n<|im_start|>assistant\n")
    const completion = "<think>\nsepsis\n</think>\n<answer>\nSEPTICEMIA OR SEVERE SEPSIS WITH MCC\n</answer><|im_end|>"
    const ids = tok.encode(completion)
    expect(ids[0]).toBe(DRG_TINY_TOKENS.thinkOpen)
    expect(ids.at(-1)).toBe(DRG_TINY_TOKENS.imEnd)
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe(completion.replace("<|im_end|>", ""))
    // Trained on the titles: a title costs far fewer tokens than bytes.
    expect(tok.encode("SEPTICEMIA OR SEVERE SEPSIS WITH MCC").length).toBeLessThan(20)
  })
})
