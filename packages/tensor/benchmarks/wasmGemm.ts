/**
 * WASM SIMD GEMM throughput (run on demand: `npx tsx packages/tensor/benchmarks/wasmGemm.ts`,
 * `--quick` for fewer shapes). Prints GFLOP/s per shape for the WASM GEMM on 1 and 2
 * threads (with relaxed FMA, and 1 thread without) and for the JavaScript matmul kernel
 * measured in the same run, the ratio to it, and the load average next to every row. On a
 * shared machine wall time mostly measures the other processes, so each row also gives
 * GFLOP per CPU-second of this process (all its threads), from `process.cpuUsage`.
 */
import { loadavg } from "node:os"
import type { GemmProvider, SgemmCall } from "../src/backend/cpu/gemm/Gemm.ts"
import { makeWasmGemm } from "../src/backend/cpu/gemm/wasm/index.ts"
import * as T from "../src/index.ts"

const quick = process.argv.includes("--quick")
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(" ")

interface Shape {
  readonly label: string
  readonly m: number
  readonly n: number
  readonly k: number
  readonly transA: boolean
  readonly transB: boolean
}

const shapes: ReadonlyArray<Shape> = [
  { label: "1024³", m: 1024, n: 1024, k: 1024, transA: false, transB: false },
  { label: "x[2048,256]·W[256,256]ᵀ", m: 2048, n: 256, k: 256, transA: false, transB: true },
  { label: "x[2048,256]·W[1024,256]ᵀ", m: 2048, n: 1024, k: 256, transA: false, transB: true },
  { label: "h[2048,1024]·W[256,1024]ᵀ", m: 2048, n: 256, k: 1024, transA: false, transB: true },
  { label: "dX: g[2048,1024]·W[1024,256]", m: 2048, n: 256, k: 1024, transA: false, transB: false },
  { label: "dW: g[2048,1024]ᵀ·x[2048,256]", m: 1024, n: 256, k: 2048, transA: true, transB: false },
  { label: "dW: g[2048,256]ᵀ·x[2048,256]", m: 256, n: 256, k: 2048, transA: true, transB: false }
].filter((_, i) => !quick || i < 3)

const random = (length: number): Float32Array => Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37))

/** Best wall and best CPU time (ms, this process's threads together) of `reps` after one warm-up. */
const best = (fn: () => void, reps: number): { readonly wall: number; readonly cpu: number } => {
  fn()
  let wall = Number.POSITIVE_INFINITY
  let cpu = Number.POSITIVE_INFINITY
  for (let r = 0; r < reps; r++) {
    const u0 = process.cpuUsage()
    const t0 = performance.now()
    fn()
    wall = Math.min(wall, performance.now() - t0)
    const du = process.cpuUsage(u0)
    cpu = Math.min(cpu, (du.user + du.system) / 1000)
  }
  return { wall, cpu }
}

const callFor = (s: Shape): SgemmCall => ({
  transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1, beta: 0,
  a: random(s.m * s.k), aOffset: 0, lda: s.transA ? s.m : s.k, strideA: 0,
  b: random(s.k * s.n), bOffset: 0, ldb: s.transB ? s.k : s.n, strideB: 0,
  c: new Float32Array(s.m * s.n), cOffset: 0, ldc: s.n, strideC: 0,
  batch: 1
})

const js = T.makeCpuBackend({ validate: false, gemm: "js" })
const jsMatmul = (s: Shape): (() => void) => {
  const a = s.transA ? T.transpose(T.fromArray(random(s.m * s.k), [s.k, s.m], { backend: js })) : T.fromArray(random(s.m * s.k), [s.m, s.k], { backend: js })
  const b = s.transB ? T.transpose(T.fromArray(random(s.k * s.n), [s.n, s.k], { backend: js })) : T.fromArray(random(s.k * s.n), [s.k, s.n], { backend: js })
  return () => T.matmul(a, b).dispose()
}

const providers: Array<[string, GemmProvider]> = [
  ["wasm 1t fma", await makeWasmGemm({ threads: 1 })],
  ["wasm 1t mul+add", await makeWasmGemm({ threads: 1, fma: false })],
  ["wasm 2t fma", await makeWasmGemm({ threads: 2 })]
]
// Let the workers start before timing.
await new Promise((resolve) => setTimeout(resolve, 500))

console.log(`WASM GEMM vs JavaScript matmul kernel, best of 3 (load average at start: ${load()})`)
console.log("| shape | kernel | ms | GFLOP/s | vs JS | GFLOP per CPU-s | load avg |")
console.log("|---|---|---|---|---|---|---|")
for (const s of shapes) {
  const flops = 2 * s.m * s.n * s.k
  const call = callFor(s)
  const row = (name: string, t: { readonly wall: number; readonly cpu: number }, jsWall: number): void =>
    console.log(
      `| ${s.label} | ${name} | ${t.wall.toFixed(1)} | ${(flops / t.wall / 1e6).toFixed(2)} | ${(jsWall / t.wall).toFixed(2)} | ${(flops / t.cpu / 1e6).toFixed(2)} | ${load()} |`
    )
  const jsTime = best(jsMatmul(s), quick ? 1 : 2)
  row("JS matmul", jsTime, jsTime.wall)
  for (const [name, p] of providers) row(name, best(() => p.sgemm(call), 3), jsTime.wall)
}
for (const [, p] of providers) p.close?.()
