import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { phaseBoundaries, Progress } from "../src/index.ts"
import { runNode } from "../src/node/index.ts"

const root = join(import.meta.dirname, "../../..")

/** A tiny GRPO run with a stage plugin; returns its metrics lines. */
const stagedRun = (plugin: Record<string, unknown>) =>
  Effect.gen(function*() {
    const out = mkdtempSync(join(tmpdir(), "sapphire-staged-"))
    yield* runNode(
      {
        name: "staged",
        seed: 6,
        backend: "cpu",
        model: { preset: "tiny-test" },
        data: { n: 80, noteLength: "short" },
        split: { sftRatio: 0.5 },
        stages: [{ kind: "grpo", steps: 4, promptsPerStep: 2, groupSize: 2, maxNewTokens: 6, checkpointEvery: 10 }],
        plugins: ["format-reward", "strict-reward", "dapo-loss", plugin]
      },
      { cwd: root, out, progress: Progress.layerSilent }
    )
    return readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number> & { phase: string })
  })

describe("staged learning", () => {
  it("splits GRPO's steps into equal phases", () => {
    expect(phaseBoundaries(4, 2)).toEqual([2])
    expect(phaseBoundaries(9, 3)).toEqual([3, 6])
    expect(phaseBoundaries(1, 3)).toEqual([])
  })

  it.live("staged-sft runs SFT on the failed cases between the two GRPO phases, and its loss falls", () =>
    Effect.gen(function*() {
      const lines = yield* stagedRun({ use: "staged-sft", options: { phases: 2, samples: 2, epochs: 6, learningRate: 1e-3 } })
      const after = lines
      // GRPO steps 1–2, the SFT phase, GRPO steps 3–4.
      const staged = after.filter((l) => l.phase === "staged-sft")
      expect(after.map((l) => l.phase)).toEqual(["grpo", "grpo", ...staged.map(() => "staged-sft"), "grpo", "grpo"])
      expect(after.filter((l) => l.phase === "grpo").map((l) => l.step)).toEqual([1, 2, 3, 4])
      expect(staged).toHaveLength(6) // 5 cases, one step an epoch
      // The tiny model fails every case: every GRPO prompt is selected (5 at this seed), and
      // none of its hinted answers is right, so the reference reasoning stands in for all.
      expect(staged.map((l) => [l.after_phase, l.cases, l.self_written])).toEqual(staged.map(() => [1, 5, 0]))
      expect(staged.at(-1)!.loss!).toBeLessThan(staged[0]!.loss! - 0.2)
    }), 120_000)

  it.live("staged-dpo runs DPO (reasoning chosen, the policy's failed sample rejected) between the phases; the margin widens", () =>
    Effect.gen(function*() {
      const lines = yield* stagedRun({ use: "staged-dpo", options: { phases: 2, samples: 2, epochs: 3, learningRate: 1e-3, beta: 0.1 } })
      const staged = lines.filter((l) => l.phase === "staged-dpo")
      expect(staged).toHaveLength(6) // 5 pairs, 4 a step, 3 epochs
      expect(lines.filter((l) => l.phase === "grpo").map((l) => l.step)).toEqual([1, 2, 3, 4])
      expect(lines.findIndex((l) => l.phase === "staged-dpo")).toBe(lines.findIndex((l) => l.phase === "grpo" && l.step === 2) + 1)
      // The reference is the policy at the boundary: the first margin is exactly 0.
      expect(staged[0]!.margin).toBe(0)
      expect(staged.at(-1)!.margin).toBeGreaterThan(0.05)
      expect(staged.at(-1)!.loss!).toBeLessThan(staged[0]!.loss!)
    }), 120_000)
})
