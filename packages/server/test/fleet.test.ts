import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { GenerationRequest, GenerationResult } from "@sapphire-rl/engine"
import { generate, makeRemoteEngine, scoreCompletions, syncFullWeights, syncLoraAdapter } from "@sapphire-rl/engine"
import { PolicySync } from "@sapphire-rl/engine"
import { Engine } from "@sapphire-rl/engine"
import { layerRemoteNode, pushLoraNode } from "@sapphire-rl/engine/node"
import { existsSync } from "node:fs"
import { loadQwen2Node, loadTokenizerNode } from "@sapphire-rl/model/node"
import { makeCpuBackend } from "@sapphire-rl/tensor"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiFixture, shapeErrors } from "./support/apiShape.ts"
import type { ServerProcess } from "./support/serverProcess.ts"
import { startServer } from "./support/serverProcess.ts"
import { writeTinyAdapter, writeTinySnapshot } from "./support/tinySnapshot.ts"

// Two plain servers, and one slowed down (simulated per-token latency) to kill mid-run.
describe("remote engine against sapphire-serve processes (127.0.0.1)", () => {
  const root = mkdtempSync(join(tmpdir(), "sapphire-fleet-"))
  const backend = makeCpuBackend()
  let a: ServerProcess
  let b: ServerProcess
  let slow: ServerProcess
  let base = ""
  beforeAll(async () => {
    base = await writeTinySnapshot(21, join(root, "base"))
    ;[a, b, slow] = await Promise.all([
      startServer(["--model", base, "--served-model-name", "tiny"]),
      startServer(["--model", base, "--served-model-name", "tiny"]),
      startServer(["--model", base, "--served-model-name", "tiny", "--simulate-token-latency-ms", "40"])
    ])
  })
  afterAll(async () => {
    await Promise.all([a, b, slow].filter((s) => s !== undefined).map((s) => s.stop()))
    rmSync(root, { recursive: true, force: true })
  })

  const groups = (count: number, seed0: number): Array<GenerationRequest> =>
    Array.from({ length: count }, (_, i) => ({
      prompt: [3 + (i % 7), 10 + i, 4],
      params: { maxNewTokens: 8, n: 2, temperature: 1, seed: seed0 + i, ignoreEos: true }
    }))

  // The same requests on an in-process model from a snapshot (and adapter) directory.
  const local = async (dir: string, requests: ReadonlyArray<GenerationRequest>, adapterDir?: string) => {
    const model = await loadQwen2Node(dir, adapterDir === undefined ? { backend } : { backend, adapterDir })
    try {
      return await generate(model, await loadTokenizerNode(base), requests)
    } finally {
      model.dispose()
    }
  }

  const expectSame = (got: ReadonlyArray<GenerationResult>, want: ReadonlyArray<GenerationResult>) => {
    expect(got.length).toBe(want.length)
    got.forEach((g, i) => {
      expect(g.seed).toBe(want[i]!.seed)
      expect(g.completions.map((c) => c.ids)).toEqual(want[i]!.completions.map((c) => c.ids))
      g.completions.forEach((c, j) =>
        // Same backend, same kernels: the log-probs agree to float32 rounding (1e-5 absolute).
        c.logprobs.forEach((lp, t) => expect(Math.abs(lp - want[i]!.completions[j]!.logprobs[t]!)).toBeLessThan(1e-5))
      )
    })
  }

  it("samples what the local engine samples (same seeds), over both servers, and scores like it", async () => {
    const engine = makeRemoteEngine({ urls: [a.url, b.url], maxConcurrentPerServer: 2 })
    const requests = groups(8, 100)
    const got = await Effect.runPromise(engine.generate(requests))
    expectSame(got, await local(base, requests))
    expect(got.every((g) => g.policyVersion === 0)).toBe(true)
    const metrics = engine.metrics()
    // Work goes to whichever server has a free slot: both get some, all 8 groups once.
    expect(metrics.every((m) => m.succeeded > 0 && m.failed === 0 && m.tokens === m.succeeded * 2 * 8)).toBe(true)
    expect(metrics[0]!.succeeded + metrics[1]!.succeeded).toBe(8)
    const scoreReqs = got.slice(0, 3).map((g, i) => ({ prompt: requests[i]!.prompt, completion: g.completions[0]!.ids }))
    const remote = await Effect.runPromise(engine.score([...scoreReqs, { prompt: [1], completion: [] }]))
    const model = await loadQwen2Node(base, { backend })
    const want = await scoreCompletions(model, scoreReqs)
    model.dispose()
    // The server scores the echoed sequence in one pass (a different GEMM split from prompt +
    // completion): equal to float32 rounding, 1e-5 absolute.
    remote.slice(0, 3).forEach((r, i) => {
      expect(r.length).toBe(want[i]!.length)
      r.forEach((x, t) => expect(Math.abs(x - want[i]![t]!)).toBeLessThan(1e-5))
    })
    expect(remote[3]!.length).toBe(0)
  })

  it("loses and duplicates nothing when a server is killed mid-run", async () => {
    const engine = makeRemoteEngine({ urls: [slow.url, a.url], maxConcurrentPerServer: 2, backoffMs: 50 })
    const requests = groups(16, 500)
    const running = Effect.runPromise(engine.generate(requests))
    // The slow server holds requests for ≥ 320 ms per batch: kill it while it has some.
    await new Promise((r) => setTimeout(r, 150))
    slow.proc.kill("SIGKILL")
    const got = await running
    expectSame(got, await local(base, requests))
    const [killed, survivor] = engine.metrics()
    expect(killed!.failed).toBeGreaterThan(0)
    // Every group was accepted exactly once.
    expect(killed!.succeeded + survivor!.succeeded).toBe(16)
  })

  it("times out a hung server and re-sends its work", async () => {
    const held: Array<import("node:http").ServerResponse> = []
    const hung: Server = createServer((_, res) => void held.push(res))
    await new Promise<void>((r) => hung.listen(0, "127.0.0.1", () => r()))
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`
    try {
      const engine = makeRemoteEngine({ urls: [hungUrl, b.url], timeoutMs: 1000, backoffMs: 5000 })
      const requests = groups(6, 900)
      const got = await Effect.runPromise(engine.generate(requests))
      expectSame(got, await local(base, requests))
      const [h, ok] = engine.metrics()
      expect(h!.timedOut).toBeGreaterThan(0)
      expect(h!.succeeded).toBe(0)
      expect(ok!.succeeded).toBe(6)
    } finally {
      hung.closeAllConnections()
      hung.close()
    }
  })

  it("advances LoRA versions on every server and samples from the loaded adapter", async () => {
    const engine = makeRemoteEngine({ urls: [a.url, b.url] })
    const requests = groups(4, 1300)
    const models = async (url: string) => {
      const body = await (await fetch(`${url}/v1/models`)).json()
      expect(shapeErrors(body, apiFixture.modelList)).toEqual([])
      return (body as { data: Array<{ id: string }> }).data.map((m) => m.id)
    }
    for (const version of [1, 2]) {
      const dir = join(root, `adapter-${version}`)
      await writeTinyAdapter(dir, version)
      await syncLoraAdapter(engine, dir, version)
      expect(engine.policy()).toEqual({ model: `policy-v${version}`, version })
      for (const s of [a, b]) expect(await models(s.url)).toEqual(["tiny", `policy-v${version}`])
      const got = await Effect.runPromise(engine.generate(requests))
      expect(got.every((g) => g.policyVersion === version)).toBe(true)
      expectSame(got, await local(base, requests, dir))
    }
    // The adapter written from a live model (PEFT layout) as version 3.
    const live = await loadQwen2Node(base, { backend, adapterDir: join(root, "adapter-1") })
    await pushLoraNode(engine, live, root, 3)
    live.dispose()
    for (const s of [a, b]) expect(await models(s.url)).toEqual(["tiny", "policy-v3"])
    expectSame(await Effect.runPromise(engine.generate(requests)), await local(base, requests, join(root, "adapter-1")))
    // Back to the base model for the other tests.
    for (const s of [a, b]) await fetch(`${s.url}/v1/unload_lora_adapter`, { method: "POST", body: JSON.stringify({ lora_name: "policy-v3" }) })
  })

  it("replaces full weights from disk (SGLang's endpoint) on every server", async () => {
    const next = await writeTinySnapshot(22, join(root, "weights-2"))
    const engine = makeRemoteEngine({ urls: [a.url, b.url] })
    await syncFullWeights(engine, next, 7)
    const requests = groups(4, 1700)
    const got = await Effect.runPromise(engine.generate(requests))
    expect(got.every((g) => g.policyVersion === 7)).toBe(true)
    expectSame(got, await local(next, requests))
    await syncFullWeights(engine, base, 8)
    expectSame(await Effect.runPromise(engine.generate(requests)), await local(base, requests))
  })

  it("PolicySync (layerRemoteNode) publishes the trainer's exact model: full weights first, then its adapter", async () => {
    const trainer = await loadQwen2Node(await writeTinySnapshot(23, join(root, "trainer")), { backend, adapterDir: join(root, "adapter-2") })
    const policyDir = join(root, "policy")
    const requests = groups(3, 2100)
    const program = Effect.gen(function*() {
      const sync = yield* PolicySync
      const engine = yield* Engine
      for (const version of [0, 1, 2]) {
        yield* sync.push(trainer, version, { initial: version === 0 })
        const got = yield* engine.generate(requests)
        expect(got.every((g) => g.policyVersion === version)).toBe(true)
        expectSame(got, yield* Effect.promise(() => generate(trainer, { decode: () => "" }, requests)))
      }
    })
    await Effect.runPromise(program.pipe(Effect.provide(layerRemoteNode({ urls: [a.url, b.url], policyDir }))))
    trainer.dispose()
    // Only the last two published directories are kept.
    expect(["weights-v0", "policy-v0", "policy-v1", "policy-v2"].map((d) => existsSync(join(policyDir, d)))).toEqual([false, false, true, true])
    for (const s of [a, b]) {
      await fetch(`${s.url}/v1/unload_lora_adapter`, { method: "POST", body: JSON.stringify({ lora_name: "policy-v2" }) })
      await fetch(`${s.url}/update_weights_from_disk`, { method: "POST", body: JSON.stringify({ model_path: base }) })
    }
  })

  it("answers bad HTTP requests with 400 error bodies and keeps serving", async () => {
    const bad = await fetch(`${a.url}/v1/completions`, { method: "POST", body: "{oops" })
    expect(bad.status).toBe(400)
    expect(shapeErrors(await bad.json(), apiFixture.errorResponse)).toEqual([])
    const big = await fetch(`${a.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: [1], max_tokens: 100000 }) })
    expect(big.status).toBe(400)
    expect(((await big.json()) as { error: { param: string } }).error.param).toBe("max_tokens")
    // A client that gives up mid-request does not take the server down.
    const controller = new AbortController()
    const gone = fetch(`${a.url}/v1/completions`, { method: "POST", body: JSON.stringify({ prompt: [1], max_tokens: 200 }), signal: controller.signal })
    controller.abort()
    await expect(gone).rejects.toThrow()
    expect((await fetch(`${a.url}/health`)).status).toBe(200)
    const engine = makeRemoteEngine({ urls: [a.url] })
    const refused = await Effect.runPromise(Effect.flip(engine.generate([{ prompt: [1], params: { maxNewTokens: 100000 } }])))
    expect(refused._tag).toBe("EngineError")
    expect(refused.message).toMatch(/HTTP 400: max_tokens: .* exceeds the maximum context length/)
  })
})
