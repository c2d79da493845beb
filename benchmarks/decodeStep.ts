/**
 * KV-cache decode on its own: tokens/s, GPU dispatches and kernel calls per decode step, and
 * a hash of every step's logits (equal hashes across two source trees = bit-identical
 * logits), at the `model.ts` shape.
 *
 *   npx tsx benchmarks/decodeStep.ts [--backends webgpu,cpu] [--batch 8] [--prompt 16]
 *                                    [--tokens 64] [--runs 3] [--fuse on|off|on,off] [--json]
 *
 * Each run opens a session, prefills one shared prompt into every row and decodes greedily;
 * the first run warms the pipelines and is not timed; tokens/s is the best timed run (other
 * processes only ever add time). `--fuse on,off` measures the fused decode step (the
 * session's default) and the unfused one in alternating runs of one process, one line each.
 * The load average is printed with the numbers.
 */
import { loadavg } from "node:os"
import { parseArgs } from "node:util"
import { Qwen2Model, randomQwen2Weights } from "@sapphire-rl/model"
import type { Backend } from "@sapphire-rl/tensor"
import { makeCpuBackend } from "../packages/tensor/src/backend/cpu/index.ts"
import { makeWebGpuBackend, type WebGpuBackend } from "../packages/tensor/src/backend/webgpu/index.ts"
import { benchmarkQwen2Config } from "./benchmarkShape.ts"
import { randomIds } from "./trainStep.ts"

const { values } = parseArgs({
  options: {
    backends: { type: "string", default: "webgpu" },
    batch: { type: "string", default: "8" },
    prompt: { type: "string", default: "16" },
    tokens: { type: "string", default: "64" },
    runs: { type: "string", default: "3" },
    fuse: { type: "string", default: "on" },
    json: { type: "boolean", default: false }
  }
})
const B = Number(values.batch)
const promptLength = Number(values.prompt)
const tokens = Number(values.tokens)
const runs = Number(values.runs)
const config = benchmarkQwen2Config(promptLength + tokens)
const V = config.vocabSize

const argmax = (x: Float32Array, offset: number): number => {
  let best = 0
  for (let i = 1; i < V; i++) if (x[offset + i]! > x[offset + best]!) best = i
  return best
}

/** FNV-1a over the bytes of each step's logits, chained. */
const hashInto = (h: number, x: Float32Array): number => {
  const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength)
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 16777619) >>> 0
  return h
}

const isWebGpu = (b: Backend): b is WebGpuBackend => "stats" in b

const fuses = values.fuse.split(",").map((f) => {
  if (f !== "on" && f !== "off") throw new Error(`--fuse: "on", "off" or "on,off", got ${values.fuse}`)
  return f === "on"
})

const measure = async (name: string, backend: Backend) => {
  const model = new Qwen2Model(config, randomQwen2Weights(config, 1), { backend })
  const prompt = Array.from(randomIds(promptLength, 3, V))
  const decode = async (fuseDecode: boolean) => {
    const session = model.openSession(B, promptLength + tokens, { fuseDecode })
    let logits = await session.prefill(prompt, Array.from({ length: B }, (_, r) => r))
    let next = Array.from({ length: B }, (_, r) => argmax(logits, r * V))
    let hash = 2166136261
    const before = isWebGpu(backend) ? backend.stats() : undefined
    const start = performance.now()
    for (let i = 0; i < tokens; i++) {
      logits = await session.step(next)
      hash = hashInto(hash, logits)
      next = next.map((_, r) => argmax(logits, r * V))
    }
    const seconds = (performance.now() - start) / 1000
    const after = isWebGpu(backend) ? backend.stats() : undefined
    session.dispose()
    return {
      seconds,
      hash,
      dispatchesPerStep: before && after ? (after.dispatches - before.dispatches) / tokens : undefined,
      kernelCallsPerStep: before && after ? (after.kernelCalls - before.kernelCalls) / tokens : undefined
    }
  }
  for (const fuse of fuses) await decode(fuse)
  // Variants in turns, so load changes reach both alike.
  const timed = fuses.map(() => [] as Array<Awaited<ReturnType<typeof decode>>>)
  for (let i = 0; i < runs; i++) for (const [j, fuse] of fuses.entries()) timed[j]!.push(await decode(fuse))
  model.dispose()
  const loadAverage = loadavg().map((x) => Number(x.toFixed(2)))
  return fuses.map((fuse, j) => {
    const runsOf = timed[j]!
    const best = Math.min(...runsOf.map((t) => t.seconds))
    const hashes = new Set(runsOf.map((t) => t.hash.toString(16).padStart(8, "0")))
    return {
      backend: `${name} (${backend.info.adapter})`,
      fuseDecode: fuse,
      decodeTokPerS: (B * tokens) / best,
      runsTokPerS: runsOf.map((t) => Math.round((B * tokens) / t.seconds)),
      dispatchesPerStep: runsOf[0]!.dispatchesPerStep,
      kernelCallsPerStep: runsOf[0]!.kernelCallsPerStep,
      logitsHash: [...hashes].join(","),
      loadAverage
    }
  })
}

if (!values.json) {
  console.log(`decode: ${B} rows x ${tokens} tokens after a ${promptLength}-token prompt; vocab ${V}, d_model ${config.hiddenSize}, ${config.numHiddenLayers} layers; best of ${runs} runs`)
}
for (const name of values.backends.split(",")) {
  const backend = name === "cpu" ? makeCpuBackend() : await makeWebGpuBackend()
  const results = await measure(name, backend)
  backend.dispose()
  for (const r of results) {
    if (values.json) console.log(JSON.stringify(r))
    else {
      console.log(
        `${r.backend}, fused ${r.fuseDecode ? "on" : "off"}: ${r.decodeTokPerS.toFixed(1)} tok/s (runs ${r.runsTokPerS.join(", ")}), ` +
          `${r.dispatchesPerStep ?? "-"} dispatches / ${r.kernelCallsPerStep ?? "-"} kernel calls per step, ` +
          `logits hash ${r.logitsHash}, load ${r.loadAverage.join(" ")}`
      )
    }
  }
}
