/**
 * A tiny SFT → GRPO → eval run (tiny-test model, short synthetic notes), small enough to
 * run three times in one test: SFT checkpoints every 2 steps, GRPO every step, with a KL
 * term against the frozen GRPO start (so a resume must rebuild that reference) and 4 GRPO
 * prompts taken 3 per step in a shuffled order (so a resume must keep the order and its cursor).
 */
export const tinyPipelineConfig = {
  name: "tiny-resume",
  seed: 5,
  backend: "cpu",
  model: { preset: "tiny-test" },
  data: { n: 80, noteLength: "short" },
  split: { sftRatio: 0.5 },
  stages: [
    { kind: "sft", epochs: 1, batchSize: 8, maxLength: 160, learningRate: 1e-3, checkpointEvery: 2 },
    { kind: "grpo", steps: 4, promptsPerStep: 3, groupSize: 2, maxNewTokens: 6, checkpointEvery: 1, learningRate: 1e-4 },
    { kind: "eval", samples: 2, limit: 3, maxNewTokens: 6 }
  ],
  plugins: ["format-reward", "strict-reward", "dapo-loss", { use: "constant-kl", options: { beta: 0.04 } }]
}
