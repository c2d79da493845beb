import { TINY_TEST_CONFIG, type Qwen2Config } from "@sapphire-rl/model"

// A toy task for the trainer's tests: the prompt is [BOS, digit]; the answer is EVEN or ODD, then EOS.
export const BOS = 13, EVEN = 10, ODD = 11, EOS = 12

/** A one-layer Qwen2 over the toy task's 16 tokens. */
export const toyConfig: Qwen2Config = {
  ...TINY_TEST_CONFIG,
  vocabSize: 16,
  hiddenSize: 32,
  intermediateSize: 64,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  numKeyValueHeads: 1,
  headDim: 16,
  maxPositionEmbeddings: 16,
  eosTokenIds: [EOS]
}

/** Completion text for the engine: the answer tokens as words. */
export const toyDetokenizer = { decode: (ids: ReadonlyArray<number>) => ids.map((t) => (t === EVEN ? "even" : t === ODD ? "odd" : "")).join("") }
