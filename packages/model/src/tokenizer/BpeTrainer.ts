/**
 * A small byte-level BPE trainer that writes an ordinary Hugging Face `tokenizer.json`
 * with Qwen2's pipeline (NFC, Qwen's split regex, GPT-2 byte-to-unicode alphabet, BPE,
 * byte-level decoder). Meant for tiny vocabularies (hundreds to a few thousand tokens):
 * it recounts pairs after every merge, which is simple and fast enough at that size.
 *
 * @since 0.1.0
 */

/**
 * Qwen2's pre-tokenizer pattern, as in its `tokenizer.json` (Oniguruma syntax).
 *
 * @since 0.1.0
 * @category constants
 */
export const QWEN_SPLIT_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

// The same pattern in JavaScript syntax (no inline case-insensitive group).
const SPLIT = /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu

/**
 * GPT-2's reversible map from bytes to printable characters (byte-level BPE alphabet),
 * in its canonical order.
 *
 * @since 0.1.0
 * @category constants
 */
export const BYTE_TO_UNICODE: ReadonlyArray<string> = (() => {
  const bs: Array<number> = []
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b)
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b)
  for (let b = 0xae; b <= 0xff; b++) bs.push(b)
  const cs = [...bs]
  let n = 0
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b)
      cs.push(256 + n++)
    }
  }
  const out = new Array<string>(256)
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i]!)))
  return out
})()

/**
 * Splits text into pre-tokens as Qwen2's tokenizer does, each mapped to the byte-level
 * alphabet.
 *
 * @since 0.1.0
 * @category utils
 */
export const byteLevelPreTokens = (text: string): Array<string> => {
  const encoder = new TextEncoder()
  const out: Array<string> = []
  for (const m of text.normalize("NFC").matchAll(SPLIT)) {
    let s = ""
    for (const b of encoder.encode(m[0])) s += BYTE_TO_UNICODE[b]
    out.push(s)
  }
  return out
}

/**
 * A token added on top of the BPE vocabulary (matched before BPE, never split).
 *
 * @since 0.1.0
 * @category models
 */
export interface AddedTokenSpec {
  readonly content: string
  /** Special tokens are dropped by `decode(…, skip_special_tokens)`. */
  readonly special: boolean
}

/**
 * Training options.
 *
 * @since 0.1.0
 * @category models
 */
export interface BpeTrainingOptions {
  /** Total vocabulary, added tokens included; at least 256 + added tokens. */
  readonly vocabSize: number
  readonly addedTokens: ReadonlyArray<AddedTokenSpec>
  /** Pairs seen fewer times are not merged (training may stop below vocabSize). */
  readonly minFrequency?: number
}

/**
 * A trained tokenizer: the `tokenizer.json` object and a summary.
 *
 * @since 0.1.0
 * @category models
 */
export interface TrainedBpe {
  readonly tokenizerJson: Record<string, unknown>
  readonly merges: number
  readonly vocabSize: number
}

/**
 * Trains byte-level BPE on texts. Deterministic: ties between equally frequent pairs go
 * to the lexicographically smaller pair.
 *
 * @since 0.1.0
 * @category constructors
 */
export const trainByteLevelBpe = (texts: Iterable<string>, options: BpeTrainingOptions): TrainedBpe => {
  const bpeSize = options.vocabSize - options.addedTokens.length
  if (bpeSize < 256) throw new RangeError(`vocabSize ${options.vocabSize} leaves fewer than 256 byte tokens`)
  const minFrequency = options.minFrequency ?? 2
  const wordCounts = new Map<string, number>()
  // Added tokens are matched before BPE at encoding time, so they must not shape merges.
  const addedPattern = options.addedTokens.length === 0
    ? null
    : new RegExp(options.addedTokens.map((t) => t.content.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g")
  for (const text of texts) {
    for (const segment of addedPattern === null ? [text] : text.split(addedPattern)) {
      for (const w of byteLevelPreTokens(segment)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1)
    }
  }

  const symbols: Array<string> = [...BYTE_TO_UNICODE]
  const symbolId = new Map(symbols.map((s, i) => [s, i]))
  const words = [...wordCounts].map(([w, count]) => ({ ids: [...w].map((ch) => symbolId.get(ch)!), count }))
  const merges: Array<string> = []

  while (symbols.length < bpeSize) {
    const pairCounts = new Map<number, number>()
    for (const w of words) {
      for (let i = 0; i + 1 < w.ids.length; i++) {
        const key = w.ids[i]! * 65536 + w.ids[i + 1]!
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + w.count)
      }
    }
    let best = -1
    let bestCount = 0
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && comparePairs(symbols, key, best) < 0)) {
        best = key
        bestCount = count
      }
    }
    if (best < 0 || bestCount < minFrequency) break
    const a = Math.floor(best / 65536)
    const b = best % 65536
    const merged = symbols.length
    symbols.push(symbols[a]! + symbols[b]!)
    merges.push(`${symbols[a]} ${symbols[b]}`)
    for (const w of words) {
      const ids = w.ids
      if (ids.length < 2) continue
      const next: Array<number> = []
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          next.push(merged)
          i++
        } else next.push(ids[i]!)
      }
      w.ids = next
    }
  }

  const vocab: Record<string, number> = {}
  symbols.forEach((s, i) => (vocab[s] = i))
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false }
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: options.addedTokens.map((t, i) => ({
      id: symbols.length + i,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: t.special
    })),
    normalizer: { type: "NFC" },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: QWEN_SPLIT_PATTERN }, behavior: "Isolated", invert: false },
        byteLevel
      ]
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges
    }
  }
  return { tokenizerJson, merges: merges.length, vocabSize: symbols.length + options.addedTokens.length }
}

const comparePairs = (symbols: ReadonlyArray<string>, x: number, y: number): number => {
  if (y < 0) return -1
  const xa = symbols[Math.floor(x / 65536)]!
  const ya = symbols[Math.floor(y / 65536)]!
  if (xa !== ya) return xa < ya ? -1 : 1
  const xb = symbols[x % 65536]!
  const yb = symbols[y % 65536]!
  return xb === yb ? 0 : xb < yb ? -1 : 1
}
