/**
 * The run presets of `run.ts --preset`: configs as written (layered under a config file and
 * flags), so every field they set can be overridden.
 *
 * @since 0.1.0
 */

/** Eight DRG families with CC/MCC splits that the synthetic benchmark covers often, so the tier decision is learned (DRG-Small-like). */
const DEFAULT_FAMILIES = [
  "SEPTICEMIA OR SEVERE SEPSIS WITHOUT MV >96 HOURS",
  "HEART FAILURE AND SHOCK",
  "MAJOR JOINT REPLACEMENT OR REATTACHMENT OF LOWER EXTREMITY",
  "SIMPLE PNEUMONIA AND PLEURISY",
  "ESOPHAGITIS GASTROENTERITIS AND MISCELLANEOUS DIGESTIVE DISORDERS",
  "RENAL FAILURE",
  "CHRONIC OBSTRUCTIVE PULMONARY DISEASE",
  "CELLULITIS"
]

/** A short instruction in place of Open-R1's paragraph: prompt tokens are most of a small model's training cost. */
const SHORT_SYSTEM = "Give the MS-DRG title. Think briefly in <think></think>, answer in <answer></answer>."

/** The paper's best configuration as plugins: strict reward and the format reward, DAPO's token-level loss, cosine-decayed KL. */
const PAPER_BEST_PLUGINS = ["format-reward", "strict-reward", "dapo-loss", { use: "cosine-kl", options: { beta: 0.04 } }]

const embedded = (budget: { cases: number; sftEpochs: number; grpoSteps: number; evalCases: number; name: string }) => ({
  name: budget.name,
  seed: 0,
  backend: "auto",
  model: { preset: "drg-mini" },
  data: { source: "synthetic", n: budget.cases, noteLength: "short", difficulty: { easy: 1, medium: 2, hard: 0 } },
  split: { testFraction: 0.08, sftRatio: 0.75, families: DEFAULT_FAMILIES },
  prompt: { system: SHORT_SYSTEM, rationale: "brief" },
  stages: [
    { kind: "sft", epochs: budget.sftEpochs, batchSize: 16, maxLength: 384, learningRate: 2e-3, warmupRatio: 0.05 },
    { kind: "grpo", steps: budget.grpoSteps, promptsPerStep: 16, groupSize: 8, temperature: 1, maxNewTokens: 96, learningRate: 2e-4, checkpointEvery: 1000 },
    { kind: "eval", samples: 8, limit: budget.evalCases, temperature: 0.6, topP: 0.95, maxNewTokens: 96 }
  ],
  plugins: PAPER_BEST_PLUGINS
})

/**
 * `default`: the embedded run (synthetic DRG-Small-like benchmark, a ~0.9M-parameter Qwen2
 * from scratch, SFT → GRPO → evaluation), sized for a 2-core CPU; `quick`: the same, small;
 * `paper`: DRG-Sapphire's hyper-parameters for a 7B-class model on a GPU (give `--model DIR`).
 *
 * @since 0.1.0
 * @category constants
 */
export const RUN_PRESETS: Readonly<Record<"quick" | "default" | "paper", Record<string, unknown>>> = {
  default: embedded({ name: "default", cases: 8000, sftEpochs: 2, grpoSteps: 20, evalCases: 160 }),
  quick: embedded({ name: "quick", cases: 2500, sftEpochs: 1, grpoSteps: 4, evalCases: 40 }),
  paper: {
    name: "paper",
    backend: "auto",
    training: { mode: "full" },
    data: { source: "synthetic", n: 20000 },
    split: { testFraction: 0.1, sftRatio: 0.9 },
    stages: [
      { kind: "sft", epochs: 3, batchSize: 16, maxLength: 8192, learningRate: 1e-5 },
      { kind: "grpo", steps: 400, promptsPerStep: 64, groupSize: 8, temperature: 1, maxNewTokens: 4096, learningRate: 3e-6, warmupRatio: 0.03 },
      { kind: "eval", samples: 8, temperature: 0.6, topP: 0.95, maxNewTokens: 4096 }
    ],
    plugins: [...PAPER_BEST_PLUGINS, "remove-hard"]
  }
}
