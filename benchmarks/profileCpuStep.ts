/**
 * Where a CPU-backend train step and decode step spend their time: every kernel call is
 * timed as it runs (the CPU backend computes inside `dispatch`), grouped by kernel and shape,
 * and the rest of the step (autograd, tensor bookkeeping, argmax, JavaScript between kernels)
 * is reported as "outside kernels". Times are this process's CPU time (user + system, from
 * `process.cpuUsage`), which other processes on a shared machine inflate far less than wall
 * time; with a one-thread BLAS it is the kernel's own time. Wall time per step is printed too.
 *
 *   npx tsx benchmarks/profileCpuStep.ts [--batch 8] [--seq 256] [--decode-tokens 32] [--top 20]
 *
 * Shape as benchmarks/model.ts. The GEMM in use is printed (SAPPHIRE_CPU_GEMM forces one).
 */
import { parseArgs } from "node:util"
import { execFileSync } from "node:child_process"
import { type Backend, type KernelCall, makeCpuBackend } from "@sapphire-rl/tensor"
import { Qwen2Model, randomQwen2Weights } from "@sapphire-rl/model"
import { benchmarkQwen2Config } from "./benchmarkShape.ts"
import { makeTrainStep, randomIds } from "./trainStep.ts"

const { values } = parseArgs({
  options: {
    batch: { type: "string", default: "8" },
    seq: { type: "string", default: "256" },
    "decode-prompt": { type: "string", default: "16" },
    "decode-tokens": { type: "string", default: "32" },
    top: { type: "string", default: "20" }
  }
})
const B = Number(values.batch)
const T = Number(values.seq)
const prompt = Number(values["decode-prompt"])
const decodeTokens = Number(values["decode-tokens"])
const top = Number(values.top)

const cpu = makeCpuBackend()
const stats = new Map<string, { calls: number; ms: number }>()
let recording = false
const shapeOf = (call: KernelCall): string => {
  switch (call.kernel) {
    case "matmul": {
      const { a, b, out } = call
      const r = out.shape.length
      const ta = a.strides[a.shape.length - 1] !== 1 ? "t" : "n"
      const tb = b.strides[b.shape.length - 1] !== 1 ? "t" : "n"
      return `${ta}${tb} ${out.shape.slice(0, r - 2).join("×") || "1"} × ${out.shape[r - 2]}×${out.shape[r - 1]}×${a.shape.at(-1)}`
    }
    case "unary":
    case "binary":
    case "reduce":
      return `${call.op} ${call.out.shape.join("×")}`
    default: {
      const first = Object.values(call).find((v) => typeof v === "object" && v !== null && "shape" in v) as { shape: ReadonlyArray<number> } | undefined
      return first === undefined ? "" : first.shape.join("×")
    }
  }
}
/** The CPU backend with every dispatch timed while `recording`. */
const backend: Backend = {
  ...cpu,
  dispatch: (call: KernelCall) => {
    if (!recording) return cpu.dispatch(call)
    const t0 = process.cpuUsage()
    cpu.dispatch(call)
    const used = process.cpuUsage(t0)
    const ms = (used.user + used.system) / 1000
    const key = `${call.kernel} ${shapeOf(call)}`
    const s = stats.get(key) ?? { calls: 0, ms: 0 }
    s.calls++
    s.ms += ms
    stats.set(key, s)
  }
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since)
  return (u.user + u.system) / 1000
}

const report = (title: string, wallMs: number, cpuTotalMs: number, units: number, unit: string) => {
  const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms)
  const inKernels = rows.reduce((s, [, v]) => s + v.ms, 0)
  const calls = rows.reduce((s, [, v]) => s + v.calls, 0)
  console.log(
    `\n${title}: ${(cpuTotalMs / units).toFixed(2)} ms CPU (${(wallMs / units).toFixed(2)} ms wall) per ${unit}; kernels ${(inKernels / units).toFixed(2)} ms CPU (${calls / units} calls), outside kernels ${((cpuTotalMs - inKernels) / units).toFixed(2)} ms CPU`
  )
  for (const [key, v] of rows.slice(0, top)) {
    console.log(`  ${(v.ms / units).toFixed(3).padStart(9)} ms  ${String(v.calls / units).padStart(6)} calls  ${key}`)
  }
  stats.clear()
}

const config = benchmarkQwen2Config(Math.max(T, prompt + decodeTokens))
console.log(`gemm: ${backend.info.gemm}; load average ${execFileSync("uptime", { encoding: "utf8" }).trim().split("load average: ")[1]}`)
const model = new Qwen2Model(config, randomQwen2Weights(config, 1), { backend, trainable: "base" })
const { dispose, step } = makeTrainStep(model, backend, B, T)
await step()
recording = true
let t0 = performance.now()
let c0 = process.cpuUsage()
await step()
report(`train step ${B}×${T}`, performance.now() - t0, cpuMs(c0), 1, "step")
recording = false
dispose()

const session = model.openSession(B, prompt + decodeTokens + 1)
const ids = Array.from(randomIds(prompt, 3, config.vocabSize))
await session.prefill(ids, Array.from({ length: B }, (_, r) => r))
let tokens = Array.from({ length: B }, (_, r) => r % config.vocabSize)
await session.step(tokens)
recording = true
t0 = performance.now()
c0 = process.cpuUsage()
for (let i = 0; i < decodeTokens - 1; i++) {
  const logits = await session.step(tokens)
  tokens = tokens.map((_, r) => {
    let best = 0
    for (let v = 1; v < config.vocabSize; v++) if (logits[r * config.vocabSize + v]! > logits[r * config.vocabSize + best]!) best = v
    return best
  })
}
report(`decode step (${B} rows)`, performance.now() - t0, cpuMs(c0), decodeTokens - 1, "step")
session.dispose()
model.dispose()
