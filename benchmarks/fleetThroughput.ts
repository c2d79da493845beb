/**
 * Fleet throughput: rollouts through the remote engine on 1 vs 4 `sapphire-serve`
 * processes that sleep a simulated per-token latency per decode step (so on one CPU the
 * servers behave like separate accelerators), same groups, same client settings.
 * Target (issue 13): 4 servers ≥ 3.5× the throughput of one. The latency must dominate the
 * tiny model's real compute, which four processes on a small shared CPU cannot run 4× in
 * parallel: the defaults make the sleep ~90% of a batch.
 *
 *   npx tsx benchmarks/fleetThroughput.ts [--groups 16] [--latency-ms 250] [--tokens 6] [--n 2] [--concurrency 2]
 */
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { makeRemoteEngine } from "@sapphire-rl/engine"
import { Effect } from "effect"
import { startServer } from "../packages/server/test/support/serverProcess.ts"
import { writeTinySnapshot } from "../packages/server/test/support/tinySnapshot.ts"

const { values } = parseArgs({
  options: {
    groups: { type: "string", default: "16" },
    "latency-ms": { type: "string", default: "250" },
    tokens: { type: "string", default: "6" },
    n: { type: "string", default: "2" },
    concurrency: { type: "string", default: "2" },
    json: { type: "boolean", default: false }
  }
})
const groups = Number(values.groups)
const latency = Number(values["latency-ms"])
const tokens = Number(values.tokens)
const concurrency = Number(values.concurrency)
const n = Number(values.n)

const dir = await writeTinySnapshot(5, mkdtempSync(join(tmpdir(), "fleet-bench-")))
const servers = await Promise.all(
  Array.from({ length: 4 }, () =>
    startServer(["--model", dir, "--simulate-token-latency-ms", String(latency), "--batch-window-ms", "25"])
  )
)
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ")
try {
  const requests = Array.from({ length: groups }, (_, i) => ({
    prompt: [3, 4 + (i % 50), 5],
    params: { maxNewTokens: tokens, n, seed: i, ignoreEos: true }
  }))
  const measure = async (count: number) => {
    const engine = makeRemoteEngine({ urls: servers.slice(0, count).map((s) => s.url), maxConcurrentPerServer: concurrency })
    await Effect.runPromise(engine.generate(requests.slice(0, count))) // warm-up
    const t0 = performance.now()
    const out = await Effect.runPromise(engine.generate(requests))
    const seconds = (performance.now() - t0) / 1000
    const generated = out.reduce((s, r) => s + r.completions.reduce((t, c) => t + c.ids.length, 0), 0)
    return { servers: count, seconds, tokensPerSecond: generated / seconds, perServer: engine.metrics().map((m) => m.succeeded) }
  }
  const one = await measure(1)
  const four = await measure(4)
  const ratio = four.tokensPerSecond / one.tokensPerSecond
  const row = { groups, latencyMs: latency, tokens, n, concurrency, one, four, ratio, target: 3.5, pass: ratio >= 3.5, loadAverage: load() }
  if (values.json) console.log(JSON.stringify(row))
  else {
    console.log(`1 server : ${one.tokensPerSecond.toFixed(0)} tok/s (${one.seconds.toFixed(2)} s)`)
    console.log(`4 servers: ${four.tokensPerSecond.toFixed(0)} tok/s (${four.seconds.toFixed(2)} s), groups per server ${four.perServer.join("/")}`)
    console.log(`ratio ${ratio.toFixed(2)}x (target >= 3.5x: ${ratio >= 3.5 ? "pass" : "FAIL"}), load average ${load()}`)
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()))
  rmSync(dir, { recursive: true, force: true })
}
