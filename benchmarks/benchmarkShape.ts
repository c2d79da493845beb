/**
 * The Qwen2 shape the model benchmarks measure (the issue's: vocab 512, d_model 256,
 * 4 layers, 4 heads, MLP 1024, SwiGLU), shared so every script measures the same model.
 */
import type { Qwen2Config } from "@sapphire-rl/model"

export const benchmarkQwen2Config = (maxPositionEmbeddings: number): Qwen2Config => ({
  hiddenSize: 256,
  intermediateSize: 1024,
  numHiddenLayers: 4,
  numAttentionHeads: 4,
  numKeyValueHeads: 4,
  headDim: 64,
  rmsNormEps: 1e-6,
  ropeTheta: 10000,
  vocabSize: 512,
  tieWordEmbeddings: true,
  maxPositionEmbeddings,
  torchDtype: "float32",
  bosTokenId: null,
  eosTokenIds: []
})
