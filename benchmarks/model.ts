/**
 * Qwen2 speed on each tensor backend, against PyTorch in the same run:
 * train-step tokens/s (forward, backward, AdamW) and KV-cache decode tokens/s.
 *
 *   npx tsx benchmarks/model.ts [--backends cpu,webgpu] [--batch 8] [--seq 256] [--steps 2]
 *                               [--decode-tokens 64] [--no-torch]
 *                               [--torch-python /usr/bin/python3] [--torch-device cpu|cuda]
 *
 * Default shapes: vocab 512, d_model 256, 4 layers, 4 heads, MLP 1024, batch 8 x 256.
 * PyTorch runs benchmarks/reference/bench_qwen2_torch.py with --torch-python (default /usr/bin/python3)
 * on --torch-device when torch imports there. Ratios are "ours / PyTorch" (higher is better for us).
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import type { Backend } from "@sapphire-rl/tensor"
import type { BackendName } from "@sapphire-rl/model"
import { benchmarkQwen2Config } from "./benchmarkShape.ts"
import { makeTrainStep, randomIds } from "./trainStep.ts"
import { openBackend, Qwen2Model, randomQwen2Weights } from "@sapphire-rl/model"

const { values } = parseArgs({
  options: {
    backends: { type: "string", default: "cpu,webgpu" },
    batch: { type: "string", default: "8" },
    seq: { type: "string", default: "256" },
    steps: { type: "string", default: "2" },
    "decode-tokens": { type: "string", default: "64" },
    "decode-prompt": { type: "string", default: "16" },
    "no-torch": { type: "boolean", default: false },
    // Debian's python3-torch lives under /usr/bin/python3; GPU machines often have their own.
    "torch-python": { type: "string", default: "/usr/bin/python3" },
    "torch-device": { type: "string", default: "cpu" }
  }
})
const B = Number(values.batch)
const T = Number(values.seq)
const steps = Number(values.steps)
const decodeTokens = Number(values["decode-tokens"])
const decodePrompt = Number(values["decode-prompt"])

const config = benchmarkQwen2Config(Math.max(T, decodePrompt + decodeTokens))

interface Result {
  readonly backend: string
  readonly trainTokensPerSecond: number
  readonly decodeTokensPerSecond: number
}


const measure = async (name: string, backend: Backend): Promise<Result> => {
  const model = new Qwen2Model(config, randomQwen2Weights(config, 1), { backend, trainable: "base" })
  const { step, dispose: disposeTrain } = makeTrainStep(model, backend, B, T)
  await step()
  const t0 = performance.now()
  for (let i = 0; i < steps; i++) await step()
  const trainSeconds = (performance.now() - t0) / 1000 / steps
  disposeTrain()

  const decode = async () => {
    const session = model.openSession(B, decodePrompt + decodeTokens)
    const prompt = Array.from(randomIds(decodePrompt, 3, config.vocabSize))
    let logits = await session.prefill(prompt, Array.from({ length: B }, (_, r) => r))
    const V = config.vocabSize
    const start = performance.now()
    // Every row shares the prompt, so the first token is the same for all.
    let tokens = Array.from({ length: B }, () => argmax(logits, 0, V))
    for (let i = 0; i < decodeTokens; i++) {
      logits = await session.step(tokens)
      tokens = tokens.map((_, r) => argmax(logits, r * V, V))
    }
    session.dispose()
    return (performance.now() - start) / 1000
  }
  await decode()
  const decodeSeconds = await decode()
  model.dispose()
  return {
    backend: `${name} (${backend.info.adapter})`,
    trainTokensPerSecond: (B * (T - 1)) / trainSeconds,
    decodeTokensPerSecond: (B * decodeTokens) / decodeSeconds
  }
}

const argmax = (x: Float32Array, offset: number, n: number) => {
  let best = 0
  for (let i = 1; i < n; i++) if (x[offset + i]! > x[offset + best]!) best = i
  return best
}

const torch = (): Result | string => {
  const script = fileURLToPath(new URL("./reference/bench_qwen2_torch.py", import.meta.url))
  const python = values["torch-python"]
  try {
    execFileSync(python, ["-c", "import torch"], { stdio: "ignore" })
  } catch {
    return `PyTorch not installed for ${python} (apt-get install python3-torch, or pass --torch-python)`
  }
  const out = execFileSync(python, [
    script,
    JSON.stringify({
      vocab: config.vocabSize,
      hidden: config.hiddenSize,
      layers: config.numHiddenLayers,
      heads: config.numAttentionHeads,
      kvHeads: config.numKeyValueHeads,
      mlp: config.intermediateSize,
      batch: B,
      seq: T,
      trainSteps: steps,
      decodePrompt,
      decodeTokens,
      device: values["torch-device"]
    })
  ], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
  const r = JSON.parse(out) as { backend: string; trainTokensPerSecond: number; decodeTokensPerSecond: number }
  return { backend: r.backend, trainTokensPerSecond: r.trainTokensPerSecond, decodeTokensPerSecond: r.decodeTokensPerSecond }
}

const results: Array<Result> = []
// openBackend rejects a name that is not a backend: it is reported as skipped below.
for (const name of values.backends.split(",") as Array<BackendName>) {
  let opened
  try {
    opened = await openBackend(name)
  } catch (e) {
    console.log(`${name}: skipped (${e instanceof Error ? e.message : String(e)})`)
    continue
  }
  console.error(`measuring ${name} …`)
  results.push(await measure(name, opened.backend))
  await opened.close()
}
const baseline = values["no-torch"] ? "skipped (--no-torch)" : torch()

console.log(`Qwen2 vocab ${config.vocabSize}, d_model ${config.hiddenSize}, ${config.numHiddenLayers} layers, ${config.numAttentionHeads} heads, MLP ${config.intermediateSize}; train batch ${B}x${T} (${steps} timed steps), decode ${B} rows x ${decodeTokens} tokens after a ${decodePrompt}-token prompt`)
const fmt = (x: number) => x.toFixed(1).padStart(10)
console.log(`${"backend".padEnd(70)} ${"train tok/s".padStart(12)} ${"decode tok/s".padStart(12)}`)
for (const r of [...results, ...(typeof baseline === "string" ? [] : [baseline])]) {
  console.log(`${r.backend.slice(0, 70).padEnd(70)} ${fmt(r.trainTokensPerSecond)}   ${fmt(r.decodeTokensPerSecond)}`)
}
if (typeof baseline === "string") console.log(`pytorch: ${baseline}`)
else {
  for (const r of results) {
    console.log(
      `ratio ${r.backend.split(" ")[0]} / pytorch: train ${(r.trainTokensPerSecond / baseline.trainTokensPerSecond).toFixed(2)}x, decode ${(r.decodeTokensPerSecond / baseline.decodeTokensPerSecond).toFixed(2)}x`
    )
  }
}
