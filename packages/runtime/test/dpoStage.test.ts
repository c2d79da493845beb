import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { preferencePairs, Progress } from "../src/index.ts"
import { runNode } from "../src/node/index.ts"
import { vowelReward } from "./support/tinyPipeline.ts"

const root = join(import.meta.dirname, "../../..")

describe("preferencePairs", () => {
  it("pairs a highest-reward completion (chosen) with a lowest (rejected); a group whose rewards all agree gives none", () => {
    const pairs = preferencePairs([
      { exampleId: "a", prompt: [1], completions: [{ ids: [2] }, { ids: [3] }, { ids: [4] }], rewards: [0.5, 1, 0] },
      { exampleId: "b", prompt: [1], completions: [{ ids: [2] }, { ids: [3] }], rewards: [1, 1] }
    ])
    expect(pairs).toEqual([{ exampleId: "a", prompt: [1], chosen: [3], rejected: [4], chosenReward: 1, rejectedReward: 0 }])
  })
})

describe("the DPO stage through runNode", () => {
  it.live("builds pairs from the policy's own samples, and DPO against the frozen start lowers the loss and widens the margin; checkpoints like the other stages", () =>
    Effect.gen(function*() {
      const out = mkdtempSync(join(tmpdir(), "sapphire-dpo-"))
      yield* runNode(
        {
          name: "dpo",
          seed: 4,
          backend: "cpu",
          model: { preset: "tiny-test" },
          data: { n: 80, noteLength: "short" },
          split: { sftRatio: 0.5 },
          stages: [{ kind: "dpo", epochs: 4, batchSize: 4, samples: 4, maxNewTokens: 8, learningRate: 1e-3, warmupRatio: 0, beta: 0.1 }],
          plugins: [vowelReward, "dapo-loss"]
        },
        { cwd: root, out, progress: Progress.layerSilent }
      )
      const lines = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>)
      expect(lines.every((l) => (l.phase as unknown) === "dpo")).toBe(true)
      const pairs = lines[0]!.pairs!
      expect(pairs).toBeGreaterThanOrEqual(4) // one per prompt whose samples differ
      const perEpoch = Math.ceil(pairs / 4)
      expect(lines).toHaveLength(4 * perEpoch)
      // Before the first update the policy is the reference: every margin is exactly 0, the loss log 2.
      expect(lines[0]!.margin).toBe(0)
      expect(lines[0]!.loss).toBeCloseTo(Math.log(2), 6)
      const mean = (epoch: number, key: string) => {
        const rows = lines.filter((l) => l.epoch === epoch)
        return rows.reduce((a, l) => a + l[key]!, 0) / rows.length
      }
      // Same pairs every epoch: the last epoch's loss is lower and its margin wider than the first's.
      expect(mean(3, "loss")).toBeLessThan(mean(0, "loss") - 0.01)
      expect(mean(3, "margin")).toBeGreaterThan(mean(0, "margin") + 0.02)
      expect(mean(3, "accuracy")).toBeGreaterThan(0.5)
      const final = `stage1-dpo-${String(lines.length).padStart(6, "0")}`
      expect(existsSync(join(out, "checkpoints", final, "trainer_state.safetensors"))).toBe(true)
      expect(JSON.parse(readFileSync(join(out, "checkpoints/latest.json"), "utf8"))).toMatchObject({ dir: final })
    }), 120_000)
})
