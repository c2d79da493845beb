/**
 * One-step-async rollouts: GRPO steps with rollouts on two `sapphire-serve` processes that
 * sleep a simulated per-token latency per decode step (so generation behaves like waiting on
 * remote accelerators, not like competing for this CPU), synchronous vs `asyncRollouts`,
 * same config and seed, and a reward that varies on an untrained model's text (so every step
 * trains). With generation time g and training time t per step, N synchronous steps take
 * ≈ N·(g + t); async ones ≈ g + (N − 1)·max(g, t) + t (the first batch has nothing to overlap
 * with, the last step nothing to prefetch). The ratio of the GRPO stage's total times is printed
 * next to that ideal.
 *
 *   npx tsx benchmarks/asyncRollouts.ts [--steps 5] [--latency-ms 60] [--tokens 24] [--preset drg-mini]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { Progress, trainerStagesLayer } from "@sapphire-rl/runtime"
import { runNode } from "@sapphire-rl/runtime/node"
import { definePlugin, type RewardPlugin } from "@sapphire-rl/spec"
import { Effect, Logger } from "effect"
import { startServer } from "../packages/server/test/support/serverProcess.ts"
import { writeTinySnapshot } from "../packages/server/test/support/tinySnapshot.ts"

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "5" },
    "latency-ms": { type: "string", default: "60" },
    tokens: { type: "string", default: "24" },
    preset: { type: "string", default: "drg-mini" },
    json: { type: "boolean", default: false }
  }
})
const steps = Number(values.steps)
const latency = Number(values["latency-ms"])
const tokens = Number(values.tokens)
const preset = values.preset as "tiny-test" | "drg-mini"
const root = join(import.meta.dirname, "..")
const vowelShare = definePlugin<RewardPlugin>({
  name: "vowel-share",
  version: "0.0.0",
  kind: "reward",
  specRange: "^2.0.0",
  range: { min: 0, max: 1 },
  score: (batch) => batch.map((r) => (r.text.match(/[aeiou]/gi)?.length ?? 0) / Math.max(1, r.text.length))
})
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ")

const tmp = mkdtempSync(join(tmpdir(), "async-rollouts-bench-"))
const dir = await writeTinySnapshot(3, join(tmp, "start"))
const servers = await Promise.all([0, 1].map(() => startServer(["--model", dir, "--simulate-token-latency-ms", String(latency)])))
try {
  const run = async (asyncRollouts: boolean) => {
    const out = join(tmp, asyncRollouts ? "async" : "sync")
    await Effect.runPromise(runNode(
      {
        name: "async-bench",
        backend: "cpu",
        model: { preset },
        engine: { kind: "remote", urls: servers.map((s) => s.url) },
        data: { n: 400, noteLength: "short" },
        stages: [{ kind: "grpo", steps, promptsPerStep: 2, groupSize: 4, maxNewTokens: tokens, learningRate: 1e-4, asyncRollouts }],
        plugins: ["format-reward", "strict-reward", "grpo-loss", vowelShare]
      },
      { cwd: root, out, stages: () => trainerStagesLayer(), progress: Progress.layerSilent }
    ).pipe(Effect.provide(Logger.layer([]))))
    const grpo = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>)
    const mean = (f: (m: Record<string, number>) => number) => grpo.reduce((s, m) => s + f(m), 0) / grpo.length
    return {
      totalSeconds: grpo.reduce((s, m) => s + m.seconds!, 0),
      // Per batch: its own generation time, and the optimizer step's.
      generateSeconds: mean((m) => (m["completion_length/mean"]! * 8) / m["tokens_per_s/generate"]!),
      trainSeconds: mean((m) => m.train_tokens! / m["tokens_per_s/train"]!),
      staleness: grpo.map((m) => m.policy_staleness)
    }
  }
  const sync = await run(false)
  const async = await run(true)
  const g = sync.generateSeconds, t = sync.trainSeconds
  const ideal = (steps * (g + t)) / (g + t + (steps - 1) * Math.max(g, t))
  const row = { preset, steps, latencyMs: latency, tokens, sync, async, ratio: sync.totalSeconds / async.totalSeconds, ideal, loadAverage: load() }
  if (values.json) console.log(JSON.stringify(row))
  else {
    console.log(`${steps} GRPO steps, ${preset}, 2 servers, ${latency} ms/token, ${tokens} new tokens (load ${row.loadAverage})`)
    console.log(`sync : ${sync.totalSeconds.toFixed(2)} s (per batch: generate ${g.toFixed(2)} s, train ${t.toFixed(2)} s), staleness ${sync.staleness.join(",")}`)
    console.log(`async: ${async.totalSeconds.toFixed(2)} s (per batch: generate ${async.generateSeconds.toFixed(2)} s, train ${async.trainSeconds.toFixed(2)} s), staleness ${async.staleness.join(",")}`)
    console.log(`sync / async ${row.ratio.toFixed(2)}× (ideal from the sync times: ${ideal.toFixed(2)}×)`)
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()))
  rmSync(tmp, { recursive: true, force: true })
}
