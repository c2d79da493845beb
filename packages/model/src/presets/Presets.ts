/**
 * Tiny presets: the tokenizer of the synthetic MS-DRG benchmark (byte-level BPE, 1024
 * tokens, Qwen's special tokens and ChatML; built by `presets/buildDrgTinyNode.ts`) and
 * model configs sized for tests and for the default run.
 *
 * @since 0.1.0
 */
import type { Qwen2Config } from "../config/Qwen2Config.ts"
import type { TextTokenizer } from "../tokenizer/Tokenizer.ts"
import { makeTokenizer } from "../tokenizer/Tokenizer.ts"
import tokenizerConfig from "../../presets/drg-tiny/tokenizer_config.json" with { type: "json" }
import tokenizerJson from "../../presets/drg-tiny/tokenizer.json" with { type: "json" }

/**
 * Ids of the drg-tiny tokenizer's special tokens (fixed by its file; a test checks them).
 *
 * @since 0.1.0
 * @category constants
 */
export const DRG_TINY_TOKENS = {
  vocabSize: 1024,
  endOfText: 1017,
  imStart: 1018,
  imEnd: 1019,
  thinkOpen: 1020,
  thinkClose: 1021,
  answerOpen: 1022,
  answerClose: 1023
} as const

/**
 * The drg-tiny tokenizer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const drgTinyTokenizer = (): TextTokenizer =>
  makeTokenizer(tokenizerJson, tokenizerConfig, { file: "presets/drg-tiny/tokenizer.json" })

/**
 * The drg-tiny files, for writing a complete snapshot directory.
 *
 * @since 0.1.0
 * @category constants
 */
export const drgTinyTokenizerFiles = (): ReadonlyMap<string, string> =>
  new Map([
    ["tokenizer.json", JSON.stringify(tokenizerJson)],
    ["tokenizer_config.json", JSON.stringify(tokenizerConfig, null, 2)]
  ])

const shared = {
  vocabSize: DRG_TINY_TOKENS.vocabSize,
  rmsNormEps: 1e-6,
  ropeTheta: 10000,
  tieWordEmbeddings: true,
  torchDtype: "float32",
  bosTokenId: null,
  eosTokenIds: [DRG_TINY_TOKENS.imEnd, DRG_TINY_TOKENS.endOfText]
} as const

/**
 * A model for unit tests: 2 layers, d_model 64, 4 query heads over 2 KV heads (~0.14M parameters).
 *
 * @since 0.1.0
 * @category constants
 */
export const TINY_TEST_CONFIG: Qwen2Config = {
  ...shared,
  hiddenSize: 64,
  intermediateSize: 128,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  headDim: 16,
  maxPositionEmbeddings: 512
}

/**
 * The default run's model: 4 layers, d_model 256, MLP 1024, 4 query heads over 2 KV heads
 * (~4.2M parameters), sized to train from scratch on the synthetic benchmark on one GPU.
 *
 * @since 0.1.0
 * @category constants
 */
export const DRG_SMALL_CONFIG: Qwen2Config = {
  ...shared,
  hiddenSize: 256,
  intermediateSize: 1024,
  numHiddenLayers: 4,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  headDim: 64,
  maxPositionEmbeddings: 2048
}

/**
 * The embedded default run's model: 4 layers, d_model 128, MLP 384, 4 query heads over 2 KV
 * heads (~0.9M parameters), small enough to SFT and GRPO from scratch within minutes on a
 * 2-core CPU.
 *
 * @since 0.1.0
 * @category constants
 */
export const DRG_MINI_CONFIG: Qwen2Config = {
  ...shared,
  hiddenSize: 128,
  intermediateSize: 384,
  numHiddenLayers: 4,
  numAttentionHeads: 4,
  numKeyValueHeads: 2,
  headDim: 32,
  maxPositionEmbeddings: 1024
}

/**
 * Presets by name.
 *
 * @since 0.1.0
 * @category constants
 */
export const MODEL_PRESETS: Readonly<Record<"tiny-test" | "drg-mini" | "drg-small", Qwen2Config>> = {
  "tiny-test": TINY_TEST_CONFIG,
  "drg-mini": DRG_MINI_CONFIG,
  "drg-small": DRG_SMALL_CONFIG
}
