import { rmSync } from "node:fs"
import { generate } from "@sapphire-rl/engine"
import { completionsBody } from "@sapphire-rl/engine"
import { loadTokenizerNode } from "@sapphire-rl/model/node"
import { makeCpuBackend } from "@sapphire-rl/tensor"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { HandlerContext } from "../src/index.ts"
import { handleRequest, makeDeviceQueue } from "../src/index.ts"
import { openModelStoreNode } from "../src/node/index.ts"
import { apiFixture, shapeErrors } from "./support/apiShape.ts"
import { writeTinySnapshot } from "./support/tinySnapshot.ts"

describe("completions handler (in process, tiny random model)", () => {
  let dir = ""
  let ctx: HandlerContext & { queue: ReturnType<typeof makeDeviceQueue> }
  let model: Awaited<ReturnType<typeof openModelStoreNode>>
  let tokenizer: Awaited<ReturnType<typeof loadTokenizerNode>>
  beforeAll(async () => {
    dir = await writeTinySnapshot(11)
    model = await openModelStoreNode({ dir, servedName: "tiny", backend: makeCpuBackend() })
    tokenizer = await loadTokenizerNode(dir)
    const queue = makeDeviceQueue({
      batchWindowMs: 20,
      maxBatchRows: 64,
      generate: (name, requests) => generate(model.get(name)!.model, tokenizer, requests)
    })
    ctx = {
      store: model,
      queue,
      tokenizer: { encode: (t) => tokenizer.encode(t, { addSpecialTokens: false }), decode: tokenizer.decode },
      limits: { maxModelLen: 64, maxN: 8, maxPrompts: 4, vocabSize: model.config.vocabSize }
    }
  })
  afterAll(() => {
    model?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  const post = async (path: string, body: unknown) => {
    const r = await handleRequest(ctx, "POST", path, typeof body === "string" ? body : JSON.stringify(body))
    return { status: r.status, json: r.json as Record<string, any>, text: r.text }
  }

  it("answers with vLLM's response shape, and the same completions as the engine called directly", async () => {
    const body = completionsBody({ prompt: [5, 6, 7], params: { maxNewTokens: 6, n: 3, temperature: 0.9, topK: 20 } }, 1234, "tiny")
    expect(shapeErrors(body, apiFixture.completionRequest)).toEqual([])
    const r = await post("/v1/completions", body)
    expect(r.status).toBe(200)
    expect(shapeErrors(r.json, apiFixture.completionResponse)).toEqual([])
    const [direct] = await generate(model.get("tiny")!.model, tokenizer, [{ prompt: [5, 6, 7], params: { maxNewTokens: 6, n: 3, temperature: 0.9, topK: 20, seed: 1234 } }])
    expect(r.json.choices.map((c: any) => c.logprobs.tokens.map((t: string) => Number(t.slice("token_id:".length))))).toEqual(
      direct!.completions.map((c) => c.ids)
    )
    expect(r.json.choices.map((c: any) => c.logprobs.token_logprobs)).toEqual(direct!.completions.map((c) => c.logprobs))
    expect(r.json.choices.map((c: any) => c.index)).toEqual([0, 1, 2])
    expect(r.json.usage).toEqual({ prompt_tokens: 3, completion_tokens: direct!.completions.reduce((s, c) => s + c.ids.length, 0), total_tokens: 3 + direct!.completions.reduce((s, c) => s + c.ids.length, 0) })
  })

  it("accepts text prompts and prompt lists (choices indexed prompt * n + sample) and echoes prompt log-probs", async () => {
    const r = await post("/v1/completions", { prompt: ["MDC 05", "DRG 291"], n: 2, max_tokens: 3, seed: 3, logprobs: 0 })
    expect(r.status).toBe(200)
    expect(shapeErrors(r.json, apiFixture.completionResponse)).toEqual([])
    expect(r.json.choices.map((c: any) => c.index)).toEqual([0, 1, 2, 3])
    const e = await post("/v1/completions", { prompt: [3, 4, 5, 6], max_tokens: 0, echo: true, logprobs: 0, return_tokens_as_token_ids: true })
    expect(shapeErrors(e.json, apiFixture.completionResponse)).toEqual([])
    const lp = e.json.choices[0].logprobs
    expect(lp.tokens).toEqual(["token_id:3", "token_id:4", "token_id:5", "token_id:6"])
    expect(lp.token_logprobs[0]).toBeNull()
    const seq = await model.get("tiny")!.model.sequenceLogprobs([[3, 4, 5, 6]], [1])
    expect(lp.token_logprobs.slice(1)).toEqual(Array.from(seq[0]!))
  })

  it("merges concurrent requests into one generate call", async () => {
    const before = ctx.queue.stats.batches
    const rs = await Promise.all(
      [1, 2, 3, 4, 5].map((seed) => post("/v1/completions", { prompt: [9, seed], max_tokens: 4, n: 2, seed, logprobs: 0 }))
    )
    expect(rs.every((r) => r.status === 200)).toBe(true)
    expect(ctx.queue.stats.batches - before).toBe(1)
  })

  it("refuses bad requests with OpenAI-style 400 bodies naming the field, and keeps serving", async () => {
    const cases: Array<[unknown, RegExp, string | null]> = [
      ["{not json", /not valid JSON/, null],
      [[1, 2], /must be a JSON object/, null],
      [{ prompt: [1, 2], max_tokens: 63 }, /exceeds the maximum context length of 64/, "max_tokens"],
      [{ prompt: [1], n: 9 }, /n: 9 is more than this server's limit of 8/, "n"],
      [{ prompt: [[1], [2], [3], [4], [5]] }, /5 prompts, at most 4/, "prompt"],
      [{ prompt: [1, 99999] }, /token id 99999 outside the vocabulary/, "prompt"],
      [{ prompt: [] }, /expected a string, an array of token ids/, "prompt"],
      [{ prompt: [1], temperature: -1 }, /temperature: expected a number ≥ 0/, "temperature"],
      [{ prompt: [1], top_p: 0 }, /top_p/, "top_p"],
      [{ prompt: [1], logprobs: 5 }, /only 0 is supported/, "logprobs"],
      [{ prompt: [1], stream: true }, /streaming is not supported/, "stream"],
      [{ prompt: [1], frequency_penalty: 1 }, /unsupported field frequency_penalty/, "frequency_penalty"],
      [{ prompt: [1], stop: [""] }, /empty stop strings/, "stop"]
    ]
    for (const [body, message, param] of cases) {
      const r = await post("/v1/completions", body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(shapeErrors(r.json, apiFixture.errorResponse)).toEqual([])
      expect(r.json.error.message).toMatch(message)
      expect(r.json.error.param).toBe(param)
      expect(r.json.error.code).toBe(400)
    }
    const missing = await post("/v1/completions", { model: "nope", prompt: [1] })
    expect(missing.status).toBe(404)
    expect(missing.json.error.param).toBe("model")
    const route = await handleRequest(ctx, "GET", "/v1/nothing", "")
    expect(route.status).toBe(404)
    expect((await post("/v1/completions", { prompt: [1], max_tokens: 2 })).status).toBe(200)
  })

  it("lists models in vLLM's shape and reports health", async () => {
    const r = await handleRequest(ctx, "GET", "/v1/models", "")
    expect(shapeErrors(r.json, apiFixture.modelList)).toEqual([])
    expect((r.json as any).data.map((m: any) => m.id)).toEqual(["tiny"])
    expect((await handleRequest(ctx, "GET", "/health", "")).status).toBe(200)
  })

  it("refuses LoRA loads that cannot work and unloads of unknown adapters", async () => {
    const bad = await post("/v1/load_lora_adapter", { lora_name: "x", lora_path: `${dir}/no-such-adapter` })
    expect(bad.status).toBe(400)
    expect(bad.json.error.message).toMatch(/loading the adapter x .* failed/)
    expect((await post("/v1/load_lora_adapter", { lora_name: "x" })).json.error.param).toBe("lora_path")
    expect((await post("/v1/unload_lora_adapter", { lora_name: "x" })).status).toBe(404)
    expect((await post("/update_weights_from_disk", { model_path: `${dir}/nothing` })).json).toMatchObject({ success: false })
  })
})
