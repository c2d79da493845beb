/**
 * CPU backend throughput on model-shaped work (run on demand:
 * `npx tsx packages/tensor/benchmarks/cpu.ts`). Prints ms and GFLOP/s per case, and the
 * speed-up of the backend's matmul over a naive i-j-k loop measured in the same run.
 */
import * as T from "../src/index.ts"

const backend = T.makeCpuBackend({ validate: false })
T.setDefaultBackend(backend)

const time = (label: string, flops: number, fn: () => void, reps = 3): void => {
  fn()
  const t0 = performance.now()
  for (let i = 0; i < reps; i++) fn()
  const ms = (performance.now() - t0) / reps
  console.log(`${label.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms  ${(flops / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s`)
}

const rng = new T.Rng(0)

{
  // Baseline: the textbook triple loop over plain Float32Arrays, x[64,896] @ W[896,4864].
  const [M, K, N] = [64, 896, 4864]
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i))
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i))
  const c = new Float32Array(M * N)
  const naive = () => {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0
        for (let k = 0; k < K; k++) s += a[i * K + k]! * b[k * N + j]!
        c[i * N + j] = s
      }
    }
  }
  const t0 = performance.now()
  naive()
  const naiveMs = performance.now() - t0
  const x = T.fromArray(a, [M, K])
  const w = T.fromArray(b, [K, N])
  T.matmul(x, w).dispose()
  const t1 = performance.now()
  T.matmul(x, w).dispose()
  const ms = performance.now() - t1
  console.log(`baseline naive i-j-k x[64,896] @ W[896,4864]: ${naiveMs.toFixed(0)} ms; backend ${ms.toFixed(0)} ms; speed-up ${(naiveMs / ms).toFixed(2)}x`)
}
const cases: ReadonlyArray<[string, number, number, number, boolean, T.DType]> = [
  ["prefill x[64,896] @ W[4864,896]ᵀ f32", 64, 896, 4864, true, "f32"],
  ["prefill x[64,896] @ W[4864,896]ᵀ f16", 64, 896, 4864, true, "f16"],
  ["x[64,896] @ W[896,4864] (row-major b) f32", 64, 896, 4864, false, "f32"],
  ["decode x[1,896] @ W[4864,896]ᵀ f16", 1, 896, 4864, true, "f16"],
  ["grad Wᵀ: x[896,64] @ g[64,4864] f32", 896, 64, 4864, false, "f32"]
]
for (const [label, M, K, N, tb, dtype] of cases) {
  const a = T.randn([M, K], { rng })
  const w = tb ? T.randn([N, K], { rng, dtype }) : T.randn([K, N], { rng, dtype })
  const b = tb ? T.transpose(w) : w
  time(label, 2 * M * K * N, () => T.matmul(a, b).dispose())
}

{
  const [B, H, Hkv, Tn, D] = [1, 14, 2, 256, 64]
  const q = T.randn([B, H, Tn, D], { rng })
  const k = T.randn([B, Hkv, Tn, D], { rng })
  const v = T.randn([B, Hkv, Tn, D], { rng })
  const flops = 4 * B * H * Tn * Tn * D / 2
  time("attention fwd causal [1,14,256,64] GQA 7:1", flops, () => T.attention(q, k, v).dispose())
  q.setRequiresGrad()
  time("attention fwd+bwd", 3 * flops, () => {
    const loss = T.tidy(() => T.sum(T.attention(q, k, v)))
    loss.backward()
    loss.dispose()
    q.zeroGrad()
  })
}
{
  const x = T.randn([256, 4864], { rng })
  time("silu [256,4864] (elementwise)", 256 * 4864, () => T.silu(x).dispose(), 5)
  const y = T.randn([256, 4864], { rng })
  time("mul [256,4864] (binary)", 256 * 4864, () => T.mul(x, y).dispose(), 5)
}
