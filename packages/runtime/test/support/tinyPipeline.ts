import { definePlugin, type RewardPlugin } from "@sapphire-rl/spec"

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

/** A reward that separates a tiny model's random samples (the share of vowels), so DPO finds pairs. */
export const vowelReward: RewardPlugin = definePlugin({
  name: "vowel-share",
  version: "0.1.0",
  kind: "reward",
  specRange: "^2.0.0",
  range: { min: 0, max: 1 },
  score: (batch) => batch.map((r) => (r.text.match(/[aeiou]/gi)?.length ?? 0) / Math.max(1, r.text.length))
})

/**
 * SFT → DPO → GRPO with staged SFT between two GRPO phases → eval: checkpoints every DPO and
 * GRPO step, so a run can be killed inside the DPO stage and right after the staged phase.
 */
export const tinyStagedPipelineConfig = {
  ...tinyPipelineConfig,
  name: "tiny-resume-staged",
  stages: [
    { kind: "sft", epochs: 1, batchSize: 16, maxLength: 160, learningRate: 1e-3 },
    { kind: "dpo", epochs: 2, batchSize: 2, samples: 2, maxNewTokens: 6, learningRate: 1e-3, checkpointEvery: 1 },
    { kind: "grpo", steps: 4, promptsPerStep: 3, groupSize: 2, maxNewTokens: 6, checkpointEvery: 1, learningRate: 1e-4 },
    { kind: "eval", samples: 2, limit: 3, maxNewTokens: 6 }
  ],
  // hardAtMost 10: every case counts as failed, so the staged phase has cases to train on.
  plugins: [...tinyPipelineConfig.plugins, vowelReward, { use: "staged-sft", options: { phases: 2, samples: 2, epochs: 2, learningRate: 1e-3, hardAtMost: 10 } }]
}
