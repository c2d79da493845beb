/**
 * Qwen2 speed on each tensor backend, against PyTorch in the same run:
 * train-step tokens/s (forward, backward, AdamW) and KV-cache decode tokens/s.
 *
 *   npx tsx benchmarks/model.ts [--backends cpu,webgpu] [--batch 8] [--seq 256] [--steps 2]
 *                               [--decode-tokens 64] [--no-torch] [--json]
 *                               [--torch-python /usr/bin/python3] [--torch-device cpu|cuda]
 *                               [--torch-threads 1]
 *
 * `--json` prints one JSON line per backend, PyTorch's included:
 * `{"backend", "trainTokPerS", "decodeTokPerS", "blas", "adapter", "loadAverage"}` (`blas`: the
 * CPU backend's GEMM and why, or the BLAS the PyTorch process loaded; null for WebGPU).
 * SAPPHIRE_CPU_GEMM=blas|wasm|js forces the CPU backend's GEMM. `--rounds n` measures every
 * backend and PyTorch n times in turns (so load from other processes falls on all of them
 * alike) and reports medians, the per-round numbers (`rounds`) and the median of the per-round
 * ratios to PyTorch (`vsPytorch`).
 * Default shapes: vocab 512, d_model 256, 4 layers, 4 heads, MLP 1024, batch 8 x 256.
 * PyTorch runs benchmarks/reference/bench_qwen2_torch.py with --torch-python (default /usr/bin/python3)
 * on --torch-device when torch imports there, with --torch-threads intra-op threads (default 1, the
 * CPU backend's BLAS default on this 2-core machine), and reports which BLAS that process loaded
 * (/proc/self/maps). Ratios are "ours / PyTorch" (higher is better for us).
 */
import { execFileSync } from "node:child_process"
import { loadavg } from "node:os"
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
    json: { type: "boolean", default: false },
    rounds: { type: "string", default: "1" },
    "torch-threads": { type: "string", default: "1" },
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
  /** CPU backend: its GEMM and why; PyTorch: the BLAS its process loaded; WebGPU: null. */
  readonly blas: string | null
  readonly adapter: string
  /** 1-minute load average when the measurement ended. */
  readonly load: number
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
    // "auto" says what it resolved to.
    backend: name === backend.info.name ? name : `${name} (${backend.info.name})`,
    trainTokensPerSecond: (B * (T - 1)) / trainSeconds,
    decodeTokensPerSecond: (B * decodeTokens) / decodeSeconds,
    blas: backend.info.name === "cpu" ? backend.info.gemm ?? "javascript kernels" : null,
    adapter: backend.info.adapter,
    load: loadavg()[0]!
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
      device: values["torch-device"],
      threads: Number(values["torch-threads"])
    })
  ], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
  const r = JSON.parse(out) as { backend: string; trainTokensPerSecond: number; decodeTokensPerSecond: number; blas: string }
  return {
    backend: "pytorch",
    trainTokensPerSecond: r.trainTokensPerSecond,
    decodeTokensPerSecond: r.decodeTokensPerSecond,
    blas: r.blas,
    adapter: r.backend,
    load: loadavg()[0]!
  }
}

const rounds = Number(values.rounds)
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new RangeError(`--rounds ${values.rounds}: expected a positive integer`)
/** Per backend (in order of first measurement), its result in each round. */
const perBackend = new Map<string, Array<Result>>()
const add = (r: Result) => {
  const list = perBackend.get(r.backend) ?? []
  list.push(r)
  perBackend.set(r.backend, list)
}
let baseline: Result | string = "skipped (--no-torch)"
for (let round = 0; round < rounds; round++) {
  // openBackend rejects a name that is not a backend: it is reported as skipped.
  for (const name of values.backends.split(",") as Array<BackendName>) {
    let opened
    try {
      opened = await openBackend(name)
    } catch (e) {
      if (round === 0) console.error(`${name}: skipped (${e instanceof Error ? e.message : String(e)})`)
      continue
    }
    console.error(`round ${round + 1}/${rounds}: measuring ${name} …`)
    add(await measure(name, opened.backend))
    await opened.close()
  }
  if (!values["no-torch"]) {
    baseline = torch()
    if (typeof baseline === "string") break
    add(baseline)
  }
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const torchRounds = perBackend.get("pytorch")
const summarize = (list: ReadonlyArray<Result>): Result => ({
  ...list[0]!,
  trainTokensPerSecond: median(list.map((r) => r.trainTokensPerSecond)),
  decodeTokensPerSecond: median(list.map((r) => r.decodeTokensPerSecond)),
  load: Math.max(...list.map((r) => r.load))
})
/** Median over rounds of ours / PyTorch measured in the same round. */
const vsTorch = (list: ReadonlyArray<Result>) =>
  torchRounds === undefined || list[0]!.backend === "pytorch" || list.length !== torchRounds.length
    ? undefined
    : {
      train: median(list.map((r, i) => r.trainTokensPerSecond / torchRounds[i]!.trainTokensPerSecond)),
      decode: median(list.map((r, i) => r.decodeTokensPerSecond / torchRounds[i]!.decodeTokensPerSecond))
    }
const rows = [...perBackend.values()].map((list) => ({ summary: summarize(list), list, ratio: vsTorch(list) }))
const round1 = (x: number) => Number(x.toFixed(1))
if (values.json) {
  if (typeof baseline === "string") console.error(`pytorch: ${baseline}`)
  for (const { list, ratio, summary: r } of rows) {
    console.log(JSON.stringify({
      backend: r.backend,
      trainTokPerS: round1(r.trainTokensPerSecond),
      decodeTokPerS: round1(r.decodeTokensPerSecond),
      blas: r.blas,
      adapter: r.adapter,
      loadAverage: Number(r.load.toFixed(2)),
      ...(rounds > 1
        ? { rounds: list.map((x) => ({ train: round1(x.trainTokensPerSecond), decode: round1(x.decodeTokensPerSecond), load: Number(x.load.toFixed(2)) })) }
        : {}),
      ...(ratio === undefined ? {} : { vsPytorch: { train: Number(ratio.train.toFixed(3)), decode: Number(ratio.decode.toFixed(3)) } })
    }))
  }
} else {
  console.log(`Qwen2 vocab ${config.vocabSize}, d_model ${config.hiddenSize}, ${config.numHiddenLayers} layers, ${config.numAttentionHeads} heads, MLP ${config.intermediateSize}; train batch ${B}x${T} (${steps} timed steps), decode ${B} rows x ${decodeTokens} tokens after a ${decodePrompt}-token prompt`)
  const fmt = (x: number) => x.toFixed(1).padStart(10)
  console.log(`${"backend".padEnd(70)} ${"train tok/s".padStart(12)} ${"decode tok/s".padStart(12)}  load`)
  for (const { summary: r } of rows) {
    console.log(`${`${r.backend} (${r.adapter})`.slice(0, 70).padEnd(70)} ${fmt(r.trainTokensPerSecond)}   ${fmt(r.decodeTokensPerSecond)}  ${r.load.toFixed(2)}`)
  }
  for (const { summary: r } of rows) if (r.blas !== null) console.log(`blas ${r.backend}: ${r.blas}`)
  if (typeof baseline === "string") console.log(`pytorch: ${baseline}`)
  for (const { ratio, summary: r } of rows) {
    if (ratio !== undefined) {
      console.log(`ratio ${r.backend} / pytorch${rounds > 1 ? ` (median of ${rounds} rounds)` : ""}: train ${ratio.train.toFixed(2)}x, decode ${ratio.decode.toFixed(2)}x`)
    }
  }
}
