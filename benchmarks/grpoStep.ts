/**
 * One GRPO step, timed by part: generate (the engine's KV-cache sampling), score (the reward
 * function over the decoded texts), reference (log-probs of the LoRA policy's base, adapters
 * off), policy forward/backward, optimizer; tokens/s for generation and training. Then the
 * generate part and the train part are each run alone, and the step must take at most 1.3× their
 * sum (no hidden orchestration cost). PyTorch's train and decode tokens/s at the same model
 * shape (benchmarks/reference/bench_qwen2_torch.py, same B×T as the training pass) are printed
 * alongside when torch imports.
 *
 *   npx tsx benchmarks/grpoStep.ts [--backend cpu|webgpu] [--preset tiny-test|drg-mini|drg-small]
 *        [--prompts 4] [--group 8] [--prompt-len 32] [--new-tokens 32] [--beta 0.04] [--max-tokens 4096]
 *        [--no-prefix-sharing] [--no-torch] [--json]
 *
 * `--no-prefix-sharing` scores every prompt + completion in full (grpoStep's `prefixSharing: false`);
 * by default each prompt is computed once for its group. Train tokens/s counts prompt + completion
 * tokens of every trained sequence either way, so the two are comparable.
 */
import { generate } from "@sapphire-rl/engine"
import { DRG_MINI_CONFIG, DRG_SMALL_CONFIG, openBackend, initLoraModules, Qwen2Model, randomQwen2Weights, seededNormal, TINY_TEST_CONFIG, type LoraConfig } from "@sapphire-rl/model"
import { dapoLoss, groupStdAdvantage } from "@sapphire-rl/plugin-loss"
import { grpoStep, makeOptimizer, type Optimizer, type ReferenceScorer, type ScoredGroup } from "@sapphire-rl/trainer"
import { execFileSync } from "node:child_process"
import { loadavg } from "node:os"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "cpu" },
    preset: { type: "string", default: "tiny-test" },
    prompts: { type: "string", default: "4" },
    group: { type: "string", default: "8" },
    "prompt-len": { type: "string", default: "32" },
    "new-tokens": { type: "string", default: "32" },
    beta: { type: "string", default: "0.04" },
    "max-tokens": { type: "string", default: "4096" },
    "no-prefix-sharing": { type: "boolean", default: false },
    "no-torch": { type: "boolean", default: false },
    "torch-python": { type: "string", default: "/usr/bin/python3" },
    json: { type: "boolean", default: false }
  }
})
const int = (name: string, v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} ${v}: expected a positive integer`)
  return n
}
const P = int("prompts", values.prompts), G = int("group", values.group)
const Lp = int("prompt-len", values["prompt-len"]), M = int("new-tokens", values["new-tokens"])
const beta = Number(values.beta)
const maxTokens = int("max-tokens", values["max-tokens"])
const prefixSharing = !values["no-prefix-sharing"]
const config = values.preset === "drg-small" ? DRG_SMALL_CONFIG : values.preset === "drg-mini" ? DRG_MINI_CONFIG : values.preset === "tiny-test" ? TINY_TEST_CONFIG : undefined
if (config === undefined) throw new RangeError(`--preset ${values.preset}: expected tiny-test, drg-mini or drg-small`)

if (values.backend !== "cpu" && values.backend !== "webgpu") throw new RangeError(`--backend ${values.backend}: expected cpu or webgpu`)
const opened = await openBackend(values.backend)
const backend = opened.backend
const lora: LoraConfig = { rank: 8, alpha: 16, targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], useRslora: false, layers: null, dropout: 0 }
const model = new Qwen2Model(config, randomQwen2Weights(config, 1), {
  backend,
  trainable: "lora",
  lora: { config: lora, modules: initLoraModules(config, lora, seededNormal(2)) }
})
const optimizer = makeOptimizer(model.parameters().map(([, t]) => t), { maxGradNorm: 1 })
const detokenizer = { decode: (ids: ReadonlyArray<number>) => ids.join(" ") }
let seedCounter = 1
const prompts = Array.from({ length: P }, (_, p) => Array.from({ length: Lp }, (_, i) => (p * 131 + i * 17 + 3) % config.vocabSize))

const t = () => performance.now() / 1000
const parts = { generate: 0, score: 0, reference: 0, optimizer: 0 }
const timedOptimizer: Optimizer = {
  ...optimizer,
  step: async (lr) => {
    const s = t()
    const r = await optimizer.step(lr)
    parts.optimizer += t() - s
    return r
  }
}
const reference: ReferenceScorer = async (seqs, starts, o) => {
  const s = t()
  const r = await model.sequenceLogprobs(seqs, starts, { adapter: "base", ...o })
  parts.reference += t() - s
  return r
}
const advantage = groupStdAdvantage()
const loss = dapoLoss()

const rollout = async (): Promise<Array<ScoredGroup>> => {
  let s = t()
  // ignoreEos: every completion has M tokens, so runs are comparable.
  const results = await generate(model, detokenizer, prompts.map((prompt) => ({
    prompt,
    params: { n: G, temperature: 1, maxNewTokens: M, ignoreEos: true, seed: seedCounter++ }
  })))
  parts.generate += t() - s
  s = t()
  // A stand-in rule reward over the decoded text (the real ones are string rules of the same cost order).
  const groups = results.map((r, i) => ({
    prompt: prompts[i]!,
    completions: r.completions.map((c) => ({ ids: c.ids, logprobs: c.logprobs, finishReason: c.finishReason === "length" ? "length" as const : "stop" as const })),
    rewards: r.completions.map((c) => c.text.split(" ").filter((x) => Number(x) % 2 === 0).length / Math.max(1, c.ids.length))
  }))
  parts.score += t() - s
  return groups
}
const train = (groups: ReadonlyArray<ScoredGroup>) =>
  grpoStep(model, timedOptimizer, groups, {
    advantage, loss, beta, estimator: "k3", reference, lr: 1e-4, iterations: 1, clip: { low: 0.2, high: 0.28 },
    maxCompletionLength: M, maskTruncated: false, maxTokens, prefixSharing
  })
const reset = () => Object.assign(parts, { generate: 0, score: 0, reference: 0, optimizer: 0 })

// Warm-up (compiles pipelines, fills pools), untimed.
await train(await rollout())

reset()
let s = t()
const groups = await rollout()
const trainStart = t()
const metrics = await train(groups)
const stepSeconds = t() - s
const trainSeconds = t() - trainStart
const step = { ...parts, policy: trainSeconds - parts.reference - parts.optimizer, total: stepSeconds }

// Each part alone.
reset()
s = t()
await rollout()
const generateAlone = t() - s
s = t()
await train(groups)
const trainAlone = t() - s
const ratio = stepSeconds / (generateAlone + trainAlone)

const genTokens = P * G * M
const trainTokens = metrics.train_tokens
let torch: { trainTokensPerSecond: number; decodeTokensPerSecond: number; blas: string } | string = "skipped (--no-torch)"
if (!values["no-torch"]) {
  try {
    execFileSync(values["torch-python"], ["-c", "import torch"], { stdio: "ignore" })
    const out = execFileSync(values["torch-python"], [
      fileURLToPath(new URL("./reference/bench_qwen2_torch.py", import.meta.url)),
      JSON.stringify({
        vocab: config.vocabSize, hidden: config.hiddenSize, layers: config.numHiddenLayers, heads: config.numAttentionHeads,
        kvHeads: config.numKeyValueHeads, mlp: config.intermediateSize, batch: P * G, seq: Lp + M, trainSteps: 2,
        decodePrompt: Lp, decodeTokens: M, device: "cpu", threads: 1
      })
    ], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
    torch = JSON.parse(out) as { trainTokensPerSecond: number; decodeTokensPerSecond: number; blas: string }
  } catch (e) {
    torch = `PyTorch not available (${(e as Error).message.split("\n")[0]})`
  }
}
const result = {
  backend: backend.info.name,
  gemm: backend.info.name === "cpu" ? backend.info.gemm ?? null : null,
  shape: { preset: values.preset, prompts: P, group: G, promptLen: Lp, newTokens: M, beta, lora: `rank ${lora.rank}, all linear`, maxTokens, prefixSharing },
  seconds: Object.fromEntries(Object.entries(step).map(([k, v]) => [k, Number(v.toFixed(4))])),
  tokensPerSecond: { generate: genTokens / step.generate, train: trainTokens / trainSeconds },
  alone: { generate: Number(generateAlone.toFixed(4)), train: Number(trainAlone.toFixed(4)) },
  stepOverPartsAlone: Number(ratio.toFixed(3)),
  withinBudget: ratio <= 1.3,
  pytorch: typeof torch === "string" ? torch : { trainTokensPerSecond: torch.trainTokensPerSecond, decodeTokensPerSecond: torch.decodeTokensPerSecond, blas: torch.blas, note: "full-model train (not LoRA), one thread, B×T of the training pass" },
  loadAverage: loadavg().map((x) => Number(x.toFixed(2)))
}
if (values.json) console.log(JSON.stringify(result))
else {
  console.log(`GRPO step on ${result.backend}${result.gemm === null ? "" : ` (${result.gemm})`}: ${P} prompts × ${G}, prompt ${Lp}, ${M} new tokens, β ${beta}, LoRA rank ${lora.rank}, ${maxTokens} tokens a pass, prefix sharing ${prefixSharing ? "on" : "off"}`)
  for (const [k, v] of Object.entries(result.seconds)) console.log(`  ${k.padEnd(10)} ${(v * 1000).toFixed(1).padStart(9)} ms`)
  console.log(`  tokens/s   generate ${result.tokensPerSecond.generate.toFixed(0)}, train ${result.tokensPerSecond.train.toFixed(0)}`)
  console.log(`  alone      generate ${(generateAlone * 1000).toFixed(1)} ms + train ${(trainAlone * 1000).toFixed(1)} ms; step / sum = ${ratio.toFixed(3)} (${result.withinBudget ? "within" : "OVER"} the 1.3 budget)`)
  console.log(`  pytorch    ${typeof torch === "string" ? torch : `train ${torch.trainTokensPerSecond.toFixed(0)} tok/s, decode ${torch.decodeTokensPerSecond.toFixed(0)} tok/s (${torch.blas}; full-model train, 1 thread)`}`)
  console.log(`  load average ${result.loadAverage.join(" ")}`)
}
model.dispose()
await opened.close()
