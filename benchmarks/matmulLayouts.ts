/**
 * WebGPU matmul GFLOP/s by operand layout at the Qwen2 train-step shapes of
 * benchmarks/model.ts (tokens 2040, d_model 256, MLP 1024, vocab 512): nn (both row-major),
 * nt (B read transposed: X·Wᵀ, dY·W), tn (A read transposed: dW = Xᵀ·dY).
 *
 *   npx tsx benchmarks/matmulLayouts.ts [--layouts=nn,nt,tn] [--shapes=2040x1024x256,...]
 *                                       [--variants=register,wide]
 *
 * `--variants` compares matmul strategies (`MatmulVariant`), one backend each, timed in
 * turns; `first ms` is each case's first call, which includes compiling its shader when no
 * earlier case compiled the same one (the wide tile's compile is seconds on llvmpipe).
 */
import type { BufferHandle } from "../packages/tensor/src/backend/Backend.ts"
import type { KernelCall, View } from "../packages/tensor/src/backend/Kernel.ts"
import { makeWebGpuBackend, type MatmulVariant, type WebGpuBackend } from "../packages/tensor/src/backend/webgpu/index.ts"

const option = (name: string) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.split("=")[1]
const layouts = (option("layouts") ?? "nn,nt,tn").split(",")
const shapes = (option("shapes") ??
  "2040x256x256,2040x1024x256,2040x256x1024,256x256x2040,256x1024x2040,1024x256x2040").split(",")
  .map((s) => s.split("x").map(Number) as [number, number, number])
const variants = (option("variants") ?? "register").split(",") as Array<MatmulVariant>

const backends = new Map<MatmulVariant, WebGpuBackend>()
for (const v of variants) backends.set(v, await makeWebGpuBackend({ matmul: v }))
const view = (buffer: BufferHandle, rows: number, cols: number, transposed: boolean): View =>
  transposed
    ? { buffer, dtype: "f32", shape: [rows, cols], strides: [1, rows], offset: 0 }
    : { buffer, dtype: "f32", shape: [rows, cols], strides: [cols, 1], offset: 0 }
const probes = new Map([...backends].map(([v, b]) => [v, b.allocate(4)]))
const sync = (v: MatmulVariant) => backends.get(v)!.read(probes.get(v)!, 0, 4)

console.log(`${"variant".padEnd(10)}${"layout".padEnd(8)}${"M x N x K".padEnd(18)}${"first ms".padStart(10)}${"ms".padStart(9)}${"GFLOP/s".padStart(10)}`)
// Layouts are timed in turns, best of 8 each, so a load change on a shared machine hits all.
for (const [M, N, K] of shapes) {
  const cases = variants.flatMap((variant) => layouts.map((layout) => {
    const backend = backends.get(variant)!
    const a = backend.allocate(M * K * 4)
    const b = backend.allocate(K * N * 4)
    const o = backend.allocate(M * N * 4)
    const call: KernelCall = {
      kernel: "matmul",
      a: view(a, M, K, layout[0] === "t"),
      b: view(b, K, N, layout[1] === "t"),
      out: view(o, M, N, false)
    }
    return { variant, backend, layout, call, buffers: [a, b, o], first: 0, best: Infinity }
  }))
  for (const c of cases) {
    const t0 = performance.now()
    c.backend.dispatch(c.call)
    await sync(c.variant)
    c.first = performance.now() - t0
  }
  for (let r = 0; r < 8; r++) {
    for (const c of cases) {
      const t0 = performance.now()
      c.backend.dispatch(c.call)
      c.backend.dispatch(c.call)
      await sync(c.variant)
      c.best = Math.min(c.best, (performance.now() - t0) / 2)
    }
  }
  for (const c of cases) {
    console.log(`${c.variant.padEnd(10)}${c.layout.padEnd(8)}${`${M}x${N}x${K}`.padEnd(18)}${c.first.toFixed(0).padStart(10)}${c.best.toFixed(1).padStart(9)}${(2 * M * N * K / c.best / 1e6).toFixed(2).padStart(10)}`)
    for (const h of c.buffers) c.backend.free(h)
  }
}
for (const [v, b] of backends) {
  b.free(probes.get(v)!)
  b.dispose()
}
