/**
 * Kernel benchmark: matmul GFLOP/s (256–2048, f32 and f16), attention forward/backward,
 * RMSNorm, softmax, AdamW, and the per-op overhead of a long chain of small ops, on the
 * WebGPU backend (and the CPU backend where cheap), with numpy/OpenBLAS sgemm measured in
 * the same run as the baseline when python3 with numpy is present.
 *
 *   npx tsx benchmarks/kernels.ts            # table
 *   npx tsx benchmarks/kernels.ts --json     # one JSON object per line
 *   options: --sizes=256,512 --no-cpu --no-numpy --reps=N --attention=thread|tiled
 *            --only=matmul,attention,rows,chain,embedding (sections to run; default all)
 *            --embedding-n=4096,32768,262144 (id counts of the embeddingBackward rows)
 *
 * Self-contained: runs wherever the WebGPU backend finds an adapter (llvmpipe, a real GPU
 * through Vulkan / Metal / D3D12).
 */
import { spawnSync } from "node:child_process"
import type { Backend, BufferHandle } from "../packages/tensor/src/backend/Backend.ts"
import type { DType, KernelCall, View } from "../packages/tensor/src/backend/Kernel.ts"
import { makeCpuBackend } from "../packages/tensor/src/backend/cpu/index.ts"
import { makeWebGpuBackend } from "../packages/tensor/src/backend/webgpu/index.ts"
import { rowMajorStrides } from "../packages/tensor/src/tensor/shape.ts"

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1]
const json = flag("json")
const sizes = (option("sizes") ?? "256,512,1024,2048").split(",").map(Number)
const forcedReps = option("reps") === undefined ? undefined : Number(option("reps"))
const only = option("only")?.split(",")
const section = (name: string) => only === undefined || only.includes(name)

interface Row {
  kernel: string
  dtype: DType
  backend: string
  m: number | null
  n: number | null
  k: number | null
  ms: number
  gflops: number | null
  gbps: number | null
  [extra: string]: unknown
}

const rows: Array<Row> = []
const emit = (row: Row) => {
  rows.push(row)
  if (json) console.log(JSON.stringify(row))
}

/** A buffer of `n` pseudo-random values in [-1, 1) (f16 stored as bits). */
const randomBuffer = (be: Backend, n: number, dtype: DType, seed: number): BufferHandle => {
  const bytes = Math.ceil((n * (dtype === "f16" ? 2 : 4)) / 4) * 4
  const buf = be.allocate(bytes)
  let s = seed >>> 0
  if (dtype === "f16") {
    const data = new Uint16Array(bytes / 2)
    // Values in [-1, 1): sign, exponent 14 (0.5..1) or below, random mantissa.
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      data[i] = ((s >>> 31) << 15) | ((12 + ((s >>> 28) & 1) * 2) << 10) | (s & 0x3ff)
    }
    be.write(buf, data)
  } else {
    const data = dtype === "f32" ? new Float32Array(bytes / 4) : new Int32Array(bytes / 4)
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      data[i] = dtype === "f32" ? s / 2147483648 - 1 : s % 1000
    }
    be.write(buf, data)
  }
  return buf
}

const view = (buffer: BufferHandle, shape: Array<number>, dtype: DType = "f32", strides = rowMajorStrides(shape)): View => ({
  buffer,
  dtype,
  shape,
  strides,
  offset: 0
})

/**
 * Best wall time (ms) of `reps` runs of `calls`, each ended by a 4-byte read (the sync).
 * The best, not the median: on a shared machine other processes only ever add time.
 */
const time = async (be: Backend, sync: BufferHandle, calls: () => void, reps: number): Promise<number> => {
  calls()
  await be.read(sync, 0, 4)
  const times: Array<number> = []
  for (let r = 0; r < reps; r++) {
    const t = performance.now()
    calls()
    await be.read(sync, 0, 4)
    times.push(performance.now() - t)
  }
  return Math.min(...times)
}

const repsFor = (seconds: number): number => forcedReps ?? Math.max(2, Math.min(10, Math.round(2 / Math.max(seconds, 0.01))))

const benchMatmul = async (be: Backend, name: string, size: number, dtype: DType) => {
  const a = randomBuffer(be, size * size, dtype, 1)
  const b = randomBuffer(be, size * size, dtype, 2)
  const o = be.allocate(size * size * (dtype === "f16" ? 2 : 4))
  const call: KernelCall = { kernel: "matmul", a: view(a, [size, size], dtype), b: view(b, [size, size], dtype), out: view(o, [size, size], dtype) }
  const flops = 2 * size ** 3
  const estimate = flops / 5e9
  const ms = await time(be, o, () => be.dispatch(call), repsFor(estimate))
  emit({ kernel: "matmul", dtype, backend: name, m: size, n: size, k: size, ms, gflops: flops / ms / 1e6, gbps: null })
  for (const x of [a, b, o]) be.free(x)
}

const benchAttention = async (be: Backend, name: string, dtype: DType) => {
  const [B, Hq, Hkv, T, D] = [1, 8, 2, 512, 64]
  const q = randomBuffer(be, B * Hq * T * D, dtype, 3)
  const k = randomBuffer(be, B * Hkv * T * D, dtype, 4)
  const v = randomBuffer(be, B * Hkv * T * D, dtype, 5)
  const out = be.allocate(B * Hq * T * D * 4)
  const lse = be.allocate(B * Hq * T * 4)
  const dout = randomBuffer(be, B * Hq * T * D, dtype, 6)
  const grads = [B * Hq * T * D, B * Hkv * T * D, B * Hkv * T * D].map((n) => be.allocate(n * 4))
  const shapeQ = [B, Hq, T, D]
  const shapeK = [B, Hkv, T, D]
  const common = { scale: 1 / Math.sqrt(D), causal: true, qOffset: 0, kvLength: T }
  const fwd: KernelCall = {
    kernel: "attention",
    q: view(q, shapeQ, dtype),
    k: view(k, shapeK, dtype),
    v: view(v, shapeK, dtype),
    out: view(out, shapeQ, dtype),
    lse: view(lse, [B, Hq, T]),
    ...common
  }
  // Causal: half of the T×S score matrix; backward ≈ 2.5× the forward work (FlashAttention convention).
  const flops = 4 * B * Hq * T * T * D * 0.5
  const msF = await time(be, lse, () => be.dispatch(fwd), repsFor(flops / 2e9))
  const shape = { m: T, n: T, k: D, batch: B, heads: Hq, kvHeads: Hkv, causal: true }
  emit({ kernel: "attention", dtype, backend: name, ...shape, ms: msF, gflops: flops / msF / 1e6, gbps: null })
  const bwd: KernelCall = {
    kernel: "attentionBackward",
    q: view(q, shapeQ, dtype),
    k: view(k, shapeK, dtype),
    v: view(v, shapeK, dtype),
    out: view(out, shapeQ, dtype),
    lse: view(lse, [B, Hq, T]),
    dout: view(dout, shapeQ, dtype),
    dq: view(grads[0]!, shapeQ, dtype),
    dk: view(grads[1]!, shapeK, dtype),
    dv: view(grads[2]!, shapeK, dtype),
    ...common
  }
  const msB = await time(be, grads[2]!, () => be.dispatch(bwd), repsFor((2.5 * flops) / 2e9))
  emit({ kernel: "attentionBackward", dtype, backend: name, ...shape, ms: msB, gflops: (2.5 * flops) / msB / 1e6, gbps: null })
  for (const x of [q, k, v, out, lse, dout, ...grads]) be.free(x)
}

/**
 * embeddingBackward (the scatter-add of a GRPO batch's token gradients into a [32k, 256]
 * table) at N ids drawn uniformly from [0, V); GB/s counts the dy bytes read.
 */
const benchEmbeddingBackward = async (be: Backend, name: string, N: number) => {
  const [V, D] = [32768, 256]
  const idsData = new Int32Array(N)
  let s = 12345
  for (let i = 0; i < N; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    idsData[i] = s % V
  }
  const ids = be.allocate(N * 4)
  be.write(ids, idsData)
  const dy = randomBuffer(be, N * D, "f32", 7)
  const dtable = randomBuffer(be, V * D, "f32", 8)
  const call: KernelCall = { kernel: "embeddingBackward", ids: view(ids, [N], "i32"), dy: view(dy, [N, D]), dtable: view(dtable, [V, D]) }
  const ms = await time(be, dtable, () => be.dispatch(call), repsFor(N / 2e6))
  emit({ kernel: "embeddingBackward", dtype: "f32", backend: name, m: N, n: V, k: D, ms, gflops: null, gbps: (N * D * 4) / ms / 1e6 })
  for (const x of [ids, dy, dtable]) be.free(x)
}

const benchRowOps = async (be: Backend, name: string) => {
  const [rows, d] = [2048, 896]
  const x = randomBuffer(be, rows * d, "f32", 7)
  const w = randomBuffer(be, d, "f32", 8)
  const out = be.allocate(rows * d * 4)
  const rstd = be.allocate(rows * 4)
  const ms = await time(
    be,
    rstd,
    () => be.dispatch({ kernel: "rmsnorm", x: view(x, [rows, d]), weight: view(w, [d]), eps: 1e-6, out: view(out, [rows, d]), rstd: view(rstd, [rows]) }),
    repsFor(0.05)
  )
  emit({ kernel: "rmsnorm", dtype: "f32", backend: name, m: rows, n: d, k: null, ms, gflops: null, gbps: (2 * rows * d * 4) / ms / 1e6 })
  be.free(x)
  be.free(out)
  const [srows, vocab] = [64, 32768]
  const sx = randomBuffer(be, srows * vocab, "f32", 9)
  const sy = be.allocate(srows * vocab * 4)
  const ms2 = await time(be, sy, () => be.dispatch({ kernel: "softmax", log: false, x: view(sx, [srows, vocab]), out: view(sy, [srows, vocab]) }), repsFor(0.05))
  emit({ kernel: "softmax", dtype: "f32", backend: name, m: srows, n: vocab, k: null, ms: ms2, gflops: null, gbps: (2 * srows * vocab * 4) / ms2 / 1e6 })
  for (const b of [w, rstd, sx, sy]) be.free(b)
  const n = 4 * 1024 * 1024
  const p = randomBuffer(be, n, "f32", 10)
  const g = randomBuffer(be, n, "f32", 11)
  const m = randomBuffer(be, n, "f32", 12)
  const v = be.allocate(n * 4)
  be.dispatch({ kernel: "fill", out: view(v, [n]), value: 0.01 })
  const hyper = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, biasCorrection1: 0.1, biasCorrection2: 0.001, gradScale: 1 }
  const ms3 = await time(
    be,
    p,
    () => be.dispatch({ kernel: "adamw", param: view(p, [n]), grad: view(g, [n]), m: view(m, [n]), v: view(v, [n]), ...hyper }),
    repsFor(0.05)
  )
  // Bytes moved: param, m, v read and written, grad read.
  emit({ kernel: "adamw", dtype: "f32", backend: name, m: n, n: null, k: null, ms: ms3, gflops: null, gbps: (7 * 4 * n) / ms3 / 1e6 })
  for (const b of [p, g, m, v]) be.free(b)
}

/**
 * 1,000 small dependent ops. The mul reads `a` transposed while writing `a`, so its result
 * races on any parallel backend: this row measures per-op cost, not values (the fusion tests
 * check values, with well-defined aliasing). `kernel` names the row ("chain (no fusion)").
 */
const benchChain = async (be: Backend, name: string, kernel = "chain") => {
  const n = 256
  const chain = 1000
  const a = randomBuffer(be, n, "f32", 13)
  const b = randomBuffer(be, n, "f32", 14)
  const ops: Array<KernelCall> = [
    { kernel: "binary", op: "add", a: view(a, [n]), b: view(b, [n]), out: view(a, [n]) },
    { kernel: "unary", op: "tanh", x: view(a, [n]), out: view(a, [n]) },
    { kernel: "binary", op: "mul", a: view(a, [16, 16], "f32", [1, 16]), b: view(b, [16, 16]), out: view(a, [16, 16]) }
  ]
  const ms = await time(be, a, () => {
    for (let i = 0; i < chain; i++) be.dispatch(ops[i % ops.length]!)
  }, forcedReps ?? 5)
  emit({ kernel, dtype: "f32", backend: name, m: chain, n, k: null, ms, gflops: null, gbps: null, usPerOp: (ms * 1000) / chain })
  be.free(a)
  be.free(b)
}

/** numpy sgemm in a subprocess, with OpenBLAS's core-type overrides removed. */
const numpyBaseline = (): Array<{ size: number; gflops: number; ms: number }> | undefined => {
  if (flag("no-numpy")) return undefined
  const script = `
import json, time, glob, os, ctypes
import numpy as np
core, config, threads = None, None, None
for lib in glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs', '*openblas*')):
    try:
        l = ctypes.CDLL(lib)
        for pre in ('scipy_openblas_', 'openblas_'):
            for suf in ('64_', ''):
                f = getattr(l, pre + 'get_corename' + suf, None)
                if f is not None:
                    f.restype = ctypes.c_char_p; core = f().decode()
                    g = getattr(l, pre + 'get_config' + suf); g.restype = ctypes.c_char_p; config = g().decode()
                    h = getattr(l, pre + 'get_num_threads' + suf); threads = h()
    except OSError:
        pass
out = []
for n in ${JSON.stringify(sizes)}:
    a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
    a @ b
    reps = max(5, min(50, int(1.0 / max(2 * n**3 / 50e9, 1e-3))))
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t)
    ms = min(ts) * 1000
    out.append({'size': n, 'ms': ms, 'gflops': 2 * n**3 / ms / 1e6})
print(json.dumps({'numpy': np.__version__, 'core': core, 'config': config, 'threads': threads, 'results': out}))
`
  const env = { ...process.env }
  delete env["OPENBLAS_CORETYPE"]
  delete env["OPENBLAS_L2_SIZE"]
  const r = spawnSync("python3", ["-c", script], { encoding: "utf8", env, timeout: 300_000 })
  if (r.status !== 0) {
    if (!json) console.log(`numpy baseline unavailable: ${(r.stderr || r.error?.message || "").split("\n").slice(-2).join(" ")}`)
    return undefined
  }
  const parsed = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
    numpy: string
    core: string | null
    config: string | null
    threads: number | null
    results: Array<{ size: number; ms: number; gflops: number }>
  }
  for (const x of parsed.results) {
    emit({
      kernel: "matmul",
      dtype: "f32",
      backend: "numpy",
      m: x.size,
      n: x.size,
      k: x.size,
      ms: x.ms,
      gflops: x.gflops,
      gbps: null,
      numpy: parsed.numpy,
      openblasCore: parsed.core,
      openblasConfig: parsed.config,
      threads: parsed.threads
    })
  }
  return parsed.results
}

const main = async () => {
  const attention = option("attention")
  const gpu = await makeWebGpuBackend({
    label: "bench",
    ...(attention === "thread" || attention === "tiled" ? { attention } : {})
  })
  const adapter = gpu.info.adapter
  if (!json) console.log(`adapter: ${adapter} (native f16: ${gpu.info.nativeF16})`)
  const numpy = section("matmul") ? numpyBaseline() : undefined
  if (section("matmul")) {
    for (const size of sizes) {
      for (const dtype of ["f32", "f16"] as const) await benchMatmul(gpu, "webgpu", size, dtype)
    }
  }
  if (section("attention")) await benchAttention(gpu, "webgpu", "f32")
  if (section("rows")) await benchRowOps(gpu, "webgpu")
  const embeddingNs = (option("embedding-n") ?? "4096,32768,262144").split(",").map(Number)
  if (section("embedding")) for (const n of embeddingNs) await benchEmbeddingBackward(gpu, "webgpu", n)
  if (section("chain")) {
    // Fusion is on by default; the same chain on a backend without it, in the same run.
    await benchChain(gpu, "webgpu")
    const plain = await makeWebGpuBackend({ label: "bench-unfused", fuse: false })
    await benchChain(plain, "webgpu", "chain (no fusion)")
    plain.dispose()
  }
  if (!flag("no-cpu")) {
    const cpu = makeCpuBackend({ validate: false })
    if (section("matmul")) for (const size of sizes.filter((s) => s <= 512)) await benchMatmul(cpu, "cpu", size, "f32")
    if (section("attention")) await benchAttention(cpu, "cpu", "f32")
    if (section("rows")) await benchRowOps(cpu, "cpu")
    if (section("embedding")) for (const n of embeddingNs) await benchEmbeddingBackward(cpu, "cpu", n)
    if (section("chain")) await benchChain(cpu, "cpu")
    cpu.dispose()
  }
  gpu.dispose()
  // Ratios against numpy sgemm of the same size, measured in this run.
  for (const r of rows) {
    const base = numpy?.find((x) => r.kernel === "matmul" && x.size === r.m && r.backend !== "numpy")
    if (base !== undefined && r.gflops !== null) r["vsNumpy"] = r.gflops / base.gflops
    r["adapter"] = r.backend === "webgpu" ? adapter : r.backend
  }
  if (json) {
    for (const r of rows.filter((x) => x["vsNumpy"] !== undefined)) {
      console.log(JSON.stringify({ kernel: "ratio", dtype: r.dtype, backend: r.backend, m: r.m, n: r.n, k: r.k, gflops: r.gflops, vsNumpy: r["vsNumpy"] }))
    }
    return
  }
  const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? "" : x.toFixed(d))
  const table = rows.map((r) => ({
    kernel: r.kernel,
    dtype: r.dtype,
    backend: r.backend,
    shape: [r.m, r.n, r.k].filter((x) => x !== null).join("×"),
    ms: fmt(r.ms, 3),
    "GFLOP/s": fmt(r.gflops),
    "GB/s": fmt(r.gbps),
    "µs/op": fmt(r["usPerOp"] as number | undefined, 1),
    "vs numpy": fmt(r["vsNumpy"] as number | undefined, 3)
  }))
  console.table(table)
  const np = rows.find((r) => r.backend === "numpy")
  if (np !== undefined) console.log(`numpy ${String(np["numpy"])}, OpenBLAS core ${String(np["openblasCore"])}, threads ${String(np["threads"])}`)
}

await main()
