/**
 * A run whose rollouts go to two `sapphire-serve` processes: GRPO trains on the local
 * CPU with the trainer's stages, the servers get the policy published before GRPO and after
 * every step, and the evaluation samples from them.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Progress, trainerStagesLayer } from "@sapphire-rl/runtime"
import { runNode } from "@sapphire-rl/runtime/node"
import { definePlugin, type RewardPlugin } from "@sapphire-rl/spec"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { ServerProcess } from "../packages/server/test/support/serverProcess.ts"
import { startServer } from "../packages/server/test/support/serverProcess.ts"
import { writeTinySnapshot } from "../packages/server/test/support/tinySnapshot.ts"

const root = join(import.meta.dirname, "..")

// A reward that varies on a random model's text (the format reward gives all of it −2), so
// advantages are not 0 and every GRPO step updates the weights.
const vowelShare = definePlugin<RewardPlugin>({
  name: "vowel-share",
  version: "0.0.0",
  kind: "reward",
  specRange: "^2.0.0",
  range: { min: 0, max: 1 },
  score: (batch) => batch.map((r) => (r.text.match(/[aeiou]/gi)?.length ?? 0) / Math.max(1, r.text.length))
})

describe("a run with remote rollouts (two sapphire-serve processes on 127.0.0.1)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "sapphire-fleet-run-"))
  let servers: Array<ServerProcess> = []
  beforeAll(async () => {
    // Any tiny-test snapshot: the run publishes its own weights before sampling.
    const dir = await writeTinySnapshot(41, join(tmp, "server-start"))
    servers = await Promise.all([0, 1].map(() => startServer(["--model", dir, "--served-model-name", "tiny"])))
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(tmp, { recursive: true, force: true })
  })

  it("trains GRPO steps on rollouts from both servers, publishing each policy version", async () => {
    const out = join(tmp, "run")
    const result = await Effect.runPromise(runNode(
      {
        name: "fleet",
        backend: "cpu",
        model: { preset: "tiny-test" },
        engine: { kind: "remote", urls: servers.map((s) => s.url), timeoutMs: 60000 },
        data: { n: 60 },
        stages: [{ kind: "grpo", steps: 2, promptsPerStep: 2, groupSize: 2, maxNewTokens: 8 }, { kind: "eval", samples: 2, limit: 2, maxNewTokens: 8 }],
        // A KL term keeps every sequence in the step (zero-advantage ones too), so the mismatch metric covers them.
        plugins: ["format-reward", "strict-reward", "grpo-loss", "constant-kl", false]
      },
      { cwd: root, out, stages: () => trainerStagesLayer(), progress: Progress.layerSilent, settings: ["seed=5"] }
    ))
    expect(result.interrupted).toBe(false)
    const metrics = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
    const grpo = metrics.filter((m) => m.phase === "grpo")
    expect(grpo.map((m) => m.step)).toEqual([1, 2])
    // The servers sampled from the trainer's published weights (they started from other
    // random weights): their log-probs match the trainer's to float32 rounding (1e-4 nats).
    for (const m of grpo) expect(m.sampler_logprob_delta as number).toBeLessThan(1e-4)
    expect(grpo.map((m) => m.policy_staleness)).toEqual([0, 0])
    // Full fine-tuning: every publication is a weights snapshot; the last two are kept.
    // Versions 0 (before the first rollout), 1 and 2 (after each step; the evaluation reuses 2).
    expect(["weights-v0", "weights-v1", "weights-v2", "weights-v3"].map((d) => existsSync(join(out, "policy", d)))).toEqual([false, true, true, false])
    const served = await Promise.all(servers.map(async (s) => (await (await fetch(`${s.url}/v1/models`)).json()) as { data: Array<{ id: string }> }))
    expect(served.map((m) => m.data.map((d) => d.id))).toEqual([["tiny"], ["tiny"]])
  })

  it("asyncRollouts: step t+1's groups are sampled with the policy before step t's update, one version stale and corrected", async () => {
    const run = async (asyncRollouts: boolean) => {
      const out = join(tmp, asyncRollouts ? "run-async" : "run-sync")
      const result = await Effect.runPromise(runNode(
        {
          name: "fleet-async",
          backend: "cpu",
          model: { preset: "tiny-test" },
          engine: { kind: "remote", urls: servers.map((s) => s.url), timeoutMs: 60000 },
          // Enough GRPO prompts (DRGs with two or more cases) that the prompt cursor moves.
          data: { n: 400, noteLength: "short" },
          prompt: { system: "Give the MS-DRG title." },
          split: { sftRatio: 0.5 },
          // A large learning rate, so one update moves the log-probs far more than float rounding.
          stages: [{ kind: "grpo", steps: 3, promptsPerStep: 2, groupSize: 4, maxNewTokens: 8, learningRate: 1e-2, checkpointEvery: 1, asyncRollouts }],
          plugins: ["format-reward", "strict-reward", "grpo-loss", vowelShare]
        },
        { cwd: root, out, stages: () => trainerStagesLayer(), progress: Progress.layerSilent, settings: ["seed=5"] }
      ))
      expect(result.interrupted).toBe(false)
      const grpo = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>)
        .filter((m) => (m.phase as unknown) === "grpo")
      // The GRPO stage's checkpointed state (prompt order, cursor, policy version) after each step.
      const states = readdirSync(join(out, "checkpoints")).filter((d) => /grpo/.test(d)).sort().map((d) =>
        (JSON.parse(readFileSync(join(out, "checkpoints", d, "trainer_state.json"), "utf8")) as { loop: { step: number; extra: { state: unknown } } }).loop)
      return { grpo, states: states.map((l) => [l.step, l.extra.state]) }
    }
    const { grpo, states } = await run(true)
    expect(grpo.map((m) => m.step)).toEqual([1, 2, 3])
    // Step 1 trains on rollouts of the policy it starts from; steps 2 and 3 on rollouts sampled
    // while the previous step trained, with the policy before its update.
    expect(grpo.map((m) => m.policy_staleness)).toEqual([0, 1, 1])
    expect(grpo.map((m) => (m.grad_norm ?? 0) > 0), JSON.stringify(grpo)).toEqual([true, true, true])
    // Fresh: trainer and sampler agree to float rounding (measured 1.1e-7 nats). Stale: the
    // mismatch is that of one update, which the importance weights correct (measured 0.14 and
    // 0.39 nats at this learning rate, 0 and 6% of the tokens capped at 2).
    expect(grpo[0]!.sampler_logprob_delta).toBeLessThan(1e-4)
    for (const m of grpo.slice(1)) expect(m.sampler_logprob_delta).toBeGreaterThan(1e-3)
    // Checkpoints record the prompt cursor from before the prefetched batch was taken, so a
    // resume generates that batch again instead of skipping its prompts: the states equal the
    // synchronous run's.
    const sync = await run(false)
    expect(sync.grpo.map((m) => m.policy_staleness)).toEqual([0, 0, 0])
    expect(states.length).toBe(3)
    expect(states).toEqual(sync.states)
  })
})
