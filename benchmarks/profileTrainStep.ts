/**
 * Where one Qwen2 train step (forward, backward, AdamW) spends its time, kernel by kernel.
 *
 *   npx tsx benchmarks/profileTrainStep.ts [--backend webgpu] [--batch 8] [--seq 256] [--top 25]
 *
 * Records every kernel call of one step (the shape of benchmarks/model.ts), then replays each
 * distinct call alone on fresh buffers, timed with a read-back after a few repetitions, and
 * reports count × time per call, grouped by kernel and layout. Replayed calls run unfused and
 * on zero-filled data, so the totals are an estimate of the step, not its exact time (the
 * ordinary step time is printed beside them). Matmuls are labelled by operand layout:
 * nn (both row-major), nt (B transposed), tn (A transposed), with M×N×K and the batch.
 */
import { parseArgs } from "node:util"
import type { Backend, BufferHandle, KernelCall } from "@sapphire-rl/tensor"
import type { BackendName } from "@sapphire-rl/model"
import { benchmarkQwen2Config } from "./benchmarkShape.ts"
import { makeTrainStep } from "./trainStep.ts"
import { openBackend, Qwen2Model, randomQwen2Weights } from "@sapphire-rl/model"

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "webgpu" },
    batch: { type: "string", default: "8" },
    seq: { type: "string", default: "256" },
    top: { type: "string", default: "25" }
  }
})
const B = Number(values.batch)
const T = Number(values.seq)

const config = benchmarkQwen2Config(T)

const isHandle = (x: unknown): x is BufferHandle =>
  typeof x === "object" && x !== null && "id" in x && "byteLength" in x && Object.keys(x).length === 2

/** A call with its buffers replaced by placeholders (the originals are freed after the step). */
type Recorded = { readonly call: unknown; readonly buffers: Map<number, number> }

const strip = (x: unknown, buffers: Map<number, number>): unknown => {
  if (isHandle(x)) {
    buffers.set(x.id, Math.max(buffers.get(x.id) ?? 0, x.byteLength))
    return { __buffer: x.id }
  }
  if (Array.isArray(x)) return x.map((v) => strip(v, buffers))
  if (typeof x === "object" && x !== null) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, strip(v, buffers)]))
  }
  return x
}

const rebuild = (x: unknown, handles: Map<number, BufferHandle>): unknown => {
  if (typeof x === "object" && x !== null && "__buffer" in x) return handles.get((x as { __buffer: number }).__buffer)
  if (Array.isArray(x)) return x.map((v) => rebuild(v, handles))
  if (typeof x === "object" && x !== null) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, rebuild(v, handles)]))
  }
  return x
}

interface ViewLike { shape: Array<number>; strides: Array<number>; dtype: string }
const dims = (v: ViewLike) => `${v.dtype}[${v.shape.join(",")}]`

const label = (call: Record<string, unknown>): string => {
  const k = call["kernel"] as string
  if (k === "matmul") {
    const a = call["a"] as ViewLike
    const b = call["b"] as ViewLike
    const o = call["out"] as ViewLike
    const r = o.shape.length
    const lay = (v: ViewLike) => (v.strides[r - 1] === 1 ? "n" : v.strides[r - 2] === 1 ? "t" : "s")
    const batch = o.shape.slice(0, r - 2).reduce((x, y) => x * y, 1)
    return `matmul ${lay(a)}${lay(b)} ${o.shape[r - 2]}x${o.shape[r - 1]}x${a.shape[r - 1]} b${batch}${call["accumulate"] === true ? " acc" : ""}`
  }
  if (k === "unary" || k === "binary" || k === "reduce") return `${k} ${call["op"] as string}`
  return k
}


const opened = await openBackend(values.backend as BackendName)
const inner = opened.backend
const recorded: Array<Recorded> = []
let recording = false
const backend: Backend = {
  ...inner,
  dispatch: (call: KernelCall) => {
    if (recording) {
      const buffers = new Map<number, number>()
      recorded.push({ call: strip(call, buffers), buffers })
    }
    inner.dispatch(call)
  }
}
console.error(`profiling on ${inner.info.adapter}`)

const model = new Qwen2Model(config, randomQwen2Weights(config, 1), { backend, trainable: "base" })
const { step, dispose: disposeStep } = makeTrainStep(model, backend, B, T)
await step()
let t0 = performance.now()
await step()
const stepMs = performance.now() - t0
recording = true
await step()
recording = false
disposeStep()
model.dispose()

// Distinct calls (same kernel, shapes, strides and flags) are timed once each.
const groups = new Map<string, { rec: Recorded; count: number }>()
for (const rec of recorded) {
  const key = JSON.stringify(rec.call, (k, v) => (k === "__buffer" ? 0 : v))
  const g = groups.get(key)
  if (g === undefined) groups.set(key, { rec, count: 1 })
  else g.count++
}

const probe = inner.allocate(4)
const sync = () => inner.read(probe, 0, 4)
const timeCall = async (rec: Recorded): Promise<number> => {
  const handles = new Map<number, BufferHandle>()
  for (const [id, bytes] of rec.buffers) handles.set(id, inner.allocate(bytes))
  const call = rebuild(rec.call, handles) as KernelCall
  inner.dispatch(call)
  await sync()
  let reps = 1
  let best = Infinity
  for (let round = 0; round < 3; round++) {
    t0 = performance.now()
    for (let i = 0; i < reps; i++) inner.dispatch(call)
    await sync()
    const ms = (performance.now() - t0) / reps
    best = Math.min(best, ms)
    if (ms * reps < 30) reps = Math.min(64, Math.ceil(30 / ms))
  }
  for (const h of handles.values()) inner.free(h)
  return best
}

t0 = performance.now()
await sync()
const syncMs = performance.now() - t0
const rows: Array<{ label: string; count: number; ms: number }> = []
for (const g of groups.values()) {
  rows.push({ label: label(g.rec.call as Record<string, unknown>), count: g.count, ms: await timeCall(g.rec) })
}
const byLabel = new Map<string, { count: number; total: number }>()
for (const r of rows) {
  const e = byLabel.get(r.label) ?? { count: 0, total: 0 }
  e.count += r.count
  e.total += r.count * r.ms
  byLabel.set(r.label, e)
}
const byKernel = new Map<string, number>()
for (const r of rows) {
  const k = r.label.split(" ")[0]!
  byKernel.set(k, (byKernel.get(k) ?? 0) + r.count * r.ms)
}
const total = rows.reduce((s, r) => s + r.count * r.ms, 0)
console.log(`train step ${B}x${T}: ${stepMs.toFixed(0)} ms measured; ${recorded.length} calls, ${groups.size} distinct; replayed sum ${total.toFixed(0)} ms (sync ≈ ${syncMs.toFixed(1)} ms, included per call)`)
console.log("\nby kernel:")
for (const [k, ms] of [...byKernel].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${k.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms ${(100 * ms / total).toFixed(1).padStart(5)}%`)
}
console.log("\nby call shape:")
for (const [l, e] of [...byLabel].sort((a, b) => b[1].total - a[1].total).slice(0, Number(values.top))) {
  console.log(`  ${l.padEnd(44)} ×${String(e.count).padStart(3)} ${(e.total / e.count).toFixed(2).padStart(8)} ms ${e.total.toFixed(1).padStart(8)} ms ${(100 * e.total / total).toFixed(1).padStart(5)}%`)
}
inner.free(probe)
await opened.close()
