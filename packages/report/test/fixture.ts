import type { ReportInput } from "../src/index.ts"

const scores = (base: number) => ({
  drg: { pass1: base, pass8: base + 0.2, maj8: base + 0.05 },
  family: { pass1: base + 0.2, pass8: base + 0.35, maj8: base + 0.25 },
  tier: { pass1: base + 0.3, pass8: base + 0.5, maj8: base + 0.32 },
  invalid: 0.04
})

/** A small run as the trainer records one: 12 GRPO steps, two evaluations. */
export const fixtureInput = (): ReportInput => ({
  title: "Sapphire-RL run fixture",
  results: [{ name: "sft", scores: scores(0.3) }, { name: "grpo", scores: scores(0.38) }],
  metrics: Array.from({ length: 12 }, (_, step) => ({
    phase: "grpo",
    step,
    "reward/format-reward/mean": -0.5 + step * 0.04,
    "reward/strict-reward/mean": 0.2 + step * 0.05,
    kl: 0.001 * step,
    "completion_length/min": 20,
    "completion_length/mean": 40 - step,
    "completion_length/max": 60,
    zero_std_fraction: 0.5 - step * 0.02,
    resample_attempts: step % 3,
    ...(step % 4 === 3 ? { "eval/drg/pass1": 0.3 + step * 0.01 } : {}),
    note: "strings are ignored"
  })),
  confusion: [
    { gold: "HEART FAILURE & SHOCK", predicted: "HEART FAILURE & SHOCK", count: 14 },
    { gold: "HEART FAILURE & SHOCK", predicted: "SIMPLE PNEUMONIA & PLEURISY", count: 2 },
    { gold: "SIMPLE PNEUMONIA & PLEURISY", predicted: "SIMPLE PNEUMONIA & PLEURISY", count: 9 }
  ],
  samples: [{
    exampleId: "case-7",
    source: "grpo",
    gold: "HEART FAILURE AND SHOCK WITH MCC",
    completion: "<think>\nAcute on chronic systolic heart failure <b>with</b> AKI.\n</think>\n<answer>\nHEART FAILURE AND SHOCK WITH MCC\n</answer><script>alert(1)</script>",
    rewards: { "format-reward": 0, "strict-reward": 2 }
  }],
  facts: [["seed", "7"], ["wall time", "312 s"]]
})
