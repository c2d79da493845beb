/**
 * WebGPU neural-network kernels (matmul variants, softmax, RMSNorm, RoPE, attention,
 * embedding, log-prob gather, AdamW, Philox) against the CPU reference backend.
 * Tolerances: |gpu - cpu| <= atol + rtol·|cpu|, stated at each assertion.
 */
import { afterAll, beforeAll, expect, it } from "vitest"
import type { DType } from "../src/backend/Kernel.ts"
import { makeCpuBackend } from "../src/backend/cpu/index.ts"
import { makeWebGpuBackend, type MatmulVariant, type WebGpuBackend } from "../src/backend/webgpu/index.ts"
import {
  close,
  describeWebGpu,
  download,
  type DualView,
  type Pair,
  permute,
  randoms,
  run,
  scratch,
  upload,
  view
} from "./webgpuHarness.ts"

const backends: Array<WebGpuBackend> = []
const pairs = new Map<string, Pair>()
const pair = (name: string): Pair => pairs.get(name)!

interface MatmulCase {
  readonly M: number
  readonly N: number
  readonly K: number
  readonly batchA?: ReadonlyArray<number>
  readonly batchB?: ReadonlyArray<number>
  readonly aT?: boolean
  readonly bT?: boolean
  readonly dtype?: DType
  readonly acc?: boolean
}

const MATMUL_CASES: ReadonlyArray<MatmulCase> = [
  { M: 1, N: 1, K: 1 },
  { M: 7, N: 13, K: 5 },
  { M: 37, N: 29, K: 131 },
  { M: 130, N: 67, K: 64 }, // register path, N not a multiple of the 8-wide tile
  { M: 67, N: 132, K: 64 }, // register path with edge rows
  { M: 48, N: 96, K: 64, bT: true }, // A·Bᵀ register variant (few rows)
  { M: 128, N: 96, K: 64, bT: true }, // A·Bᵀ, many rows: B staged, A read in place
  { M: 72, N: 68, K: 66, bT: true }, // A·Bᵀ, many rows, K not a multiple of 4: both staged
  { M: 66, N: 40, K: 64, bT: true, batchA: [2, 3], batchB: [1, 3] }, // staged B broadcast over batch
  { M: 64, N: 130, K: 72, aT: true }, // transposed A, N not a multiple of 4: staged copy
  { M: 64, N: 72, K: 130, aT: true }, // Aᵀ·B read in place (tn), K not a multiple of 4
  { M: 36, N: 60, K: 200, aT: true, acc: true }, // tn with M % 8 = 4 (half-used last tile), accumulating
  { M: 4, N: 64, K: 2050, aT: true }, // tn with 4-row tiles
  { M: 20, N: 16, K: 300, aT: true, batchA: [3], batchB: [3] }, // batched tn
  { M: 40, N: 48, K: 160, aT: true, dtype: "f16" }, // tn with f16 vec4 loads
  { M: 61, N: 67, K: 45, bT: true, aT: true }, // both transposed, K not a multiple of 4
  { M: 33, N: 40, K: 64, batchA: [2, 3], batchB: [1, 3] }, // b broadcast over batch dim 0
  { M: 8, N: 8, K: 8, batchA: [300], batchB: [300] }, // a large batch of small products
  { M: 72, N: 64, K: 64, dtype: "f16" }, // f16 vec4 loads
  { M: 50, N: 70, K: 45, dtype: "f16", bT: true }, // f16 staged
  { M: 72, N: 64, K: 64, dtype: "f16", bT: true }, // f16 A read in place, f16 B staged as f32
  { M: 96, N: 72, K: 80, acc: true },
  { M: 1, N: 1024, K: 512 }, // decoding: one row, 1-row register tiles
  { M: 1, N: 1000, K: 512, bT: true },
  { M: 2, N: 600, K: 256, bT: true },
  { M: 3, N: 1000, K: 128 },
  { M: 5, N: 3, K: 4, acc: true }
]

/** Shapes for the wide (16×32) register tile, M and N off its multiples. Kept to two shader
 * keys (unbatched and batched f32): each compiles for ~16-20 s on llvmpipe. */
const WIDE_CASES: ReadonlyArray<MatmulCase> = [
  { M: 2040, N: 68, K: 44 }, // the train-step row count: 127.5 tiles of 16 rows; N = 2 tiles of 32 + 4
  { M: 100, N: 36, K: 20, acc: true }, // one tile column and 4 columns of the next, accumulating
  { M: 33, N: 97, K: 30, bT: true }, // staged B (N % 4 != 0, K padded), wide on the copy
  { M: 16, N: 40, K: 200, aT: true, bT: true }, // both staged; exactly one tile of rows
  { M: 17, N: 32, K: 256, batchA: [3], batchB: [1] } // batched, B broadcast, one row past a tile
]

const runMatmul = async (p: Pair, c: MatmulCase, seed: number) => {
  const dt = c.dtype ?? "f32"
  const ba = c.batchA ?? []
  const bb = c.batchB ?? []
  const nb = ba.reduce((x, y) => x * y, 1)
  const na = ba.reduce((x, y) => x * y, 1) * c.M * c.K
  const nbb = bb.reduce((x, y) => x * y, 1) * c.K * c.N
  const a = upload(p, randoms(na, seed), dt)
  const b = upload(p, randoms(nbb, seed + 1), dt)
  const out = scratch(p, nb * c.M * c.N, dt)
  // Transposed operands: stored as [..., cols, rows] and viewed through swapped strides.
  const mk = (d: typeof a, batch: ReadonlyArray<number>, rows: number, cols: number, t: boolean): DualView => {
    const v = t ? permute(view(d, [...batch, cols, rows]), [...batch.map((_, i) => i), batch.length + 1, batch.length]) : view(d, [...batch, rows, cols])
    // Broadcast batch dims of size 1 to the output batch (stride 0).
    const shape = [...ba, rows, cols]
    const strides = v.strides.map((s, i) => (i < batch.length && batch[i] === 1 && ba[i] !== 1 ? 0 : s))
    return { ...v, shape, strides }
  }
  run(p, (V) => ({
    kernel: "matmul",
    a: V(mk(a, ba, c.M, c.K, c.aT === true)),
    b: V(mk(b, bb.length > 0 ? bb : [], c.K, c.N, c.bT === true)),
    out: V(view(out, [...ba, c.M, c.N])),
    ...(c.acc === true ? { accumulate: true } : {})
  }))
  // f32: K products of |v| <= 1 summed in f32 on the GPU vs f64 on the CPU: atol 1e-6·K.
  // f16 inputs are exact in f32; the f16 output rounds: rtol 2^-10, atol 1e-3.
  if (dt === "f32") await close(p, out, 1e-6 * c.K + 1e-6, 1e-5)
  else await close(p, out, 1e-3, 1e-3)
}

describeWebGpu("webgpu nn kernels vs cpu", {
  // Cold shader compilation on llvmpipe (no Mesa disk cache, as in CI) takes seconds per kernel.
  timeout: 120_000
}, () => {
  beforeAll(async () => {
    const cpu = makeCpuBackend()
    for (const variant of ["register", "wide", "tiled"] as const satisfies ReadonlyArray<MatmulVariant>) {
      // The "tiled" backend also takes the tiled (workgroup-memory) attention forward.
      const gpu = await makeWebGpuBackend({ label: `test-${variant}`, matmul: variant, attention: variant === "tiled" ? "tiled" : "thread" })
      backends.push(gpu)
      pairs.set(variant, { cpu, gpu })
    }
  })
  afterAll(() => {
    for (const b of backends) b.dispose()
  })

  for (const variant of ["register", "tiled"] as const) {
    it(`matmul (${variant}) on awkward, transposed, batched, broadcast and f16 shapes`, async () => {
      let seed = 10
      for (const c of [...MATMUL_CASES, ...WIDE_CASES]) await runMatmul(pair(variant), c, seed++)
    })
  }

  it("matmul (wide: 16×32 register tiles) at awkward shapes", async () => {
    let seed = 70
    for (const c of WIDE_CASES) await runMatmul(pair("wide"), c, seed++)
  })

  it("softmax and log-softmax, forward and backward, f32 and f16", async () => {
    const p = pair("register")
    // ≥ 512 rows take the one-thread-per-row kernels on software adapters.
    for (const [rows, cols] of [[3, 1], [7, 300], [2, 64], [600, 37]] as const) {
      for (const dt of ["f32", "f16"] as const) {
        for (const log of [false, true]) {
          const x = upload(p, randoms(rows * cols, rows + cols, -5, 5), dt)
          const y = scratch(p, rows * cols, dt)
          run(p, (V) => ({ kernel: "softmax", log, x: V(view(x, [rows, cols])), out: V(view(y, [rows, cols])) }))
          // f32: exp and the row sum in f32: rtol 1e-5. f16 output: rtol 2^-10 (+ atol for log outputs near 0).
          await close(p, y, dt === "f32" ? 1e-6 : 2e-3, dt === "f32" ? 1e-5 : 2e-3)
          const dy = upload(p, randoms(rows * cols, 77, -1, 1), dt)
          const dx = scratch(p, rows * cols, dt)
          run(p, (V) => ({ kernel: "softmaxBackward", log, y: V(view(y, [rows, cols])), dy: V(view(dy, [rows, cols])), dx: V(view(dx, [rows, cols])) }))
          await close(p, dx, dt === "f32" ? 1e-5 : 4e-3, dt === "f32" ? 1e-4 : 4e-3)
        }
      }
    }
  })

  it("rmsnorm forward and backward", async () => {
    const p = pair("register")
    for (const [rows, d, dt] of [[5, 1, "f32"], [3, 7, "f32"], [4, 300, "f32"], [6, 130, "f16"], [520, 33, "f32"]] as const) {
      const x = upload(p, randoms(rows * d, d, -2, 2), dt)
      const w = upload(p, randoms(d, d + 1, 0.5, 1.5))
      const out = scratch(p, rows * d, dt)
      const rstd = scratch(p, rows)
      run(p, (V) => ({ kernel: "rmsnorm", x: V(view(x, [rows, d])), weight: V(view(w, [d])), eps: 1e-6, out: V(view(out, [rows, d])), rstd: V(view(rstd, [rows])) }))
      // inverseSqrt is within a few ulp of 1/sqrt in f64: rtol 1e-5 (f16 output: 2^-10).
      await close(p, rstd, 0, 1e-5)
      await close(p, out, dt === "f32" ? 1e-6 : 1e-3, dt === "f32" ? 1e-5 : 2e-3)
      const dy = upload(p, randoms(rows * d, 5, -1, 1), dt)
      const dx = scratch(p, rows * d, dt)
      const dw = scratch(p, d)
      run(p, (V) => ({
        kernel: "rmsnormBackward",
        x: V(view(x, [rows, d])),
        weight: V(view(w, [d])),
        rstd: V(view(rstd, [rows])),
        dy: V(view(dy, [rows, d])),
        dx: V(view(dx, [rows, d])),
        dweight: V(view(dw, [d]))
      }))
      // Sums over d (dx) and rows (dweight) in f32: atol 1e-5, rtol 1e-4 (f16 dx: 2^-9).
      await close(p, dx, dt === "f32" ? 1e-5 : 2e-3, dt === "f32" ? 1e-4 : 4e-3)
      await close(p, dw, 1e-5, 1e-4)
    }
  })

  it("rmsnorm with batched leading axes: rstd [B, T] holds one entry per row, row-major", async () => {
    const p = pair("register")
    const [B, T, d] = [2, 3, 8]
    const x = upload(p, randoms(B * T * d, 41, -2, 2))
    const w = upload(p, randoms(d, 42, 0.5, 1.5))
    const out = scratch(p, B * T * d)
    // Rounded up to a few more entries: a wrong row stride writes past B·T.
    const rstd = scratch(p, B * T * 4)
    run(p, (V) => ({ kernel: "rmsnorm", x: V(view(x, [B, T, d])), weight: V(view(w, [d])), eps: 1e-6, out: V(view(out, [B, T, d])), rstd: V(view(rstd, [B, T])) }))
    await close(p, rstd, 0, 1e-5) // as in the 2-D test: inverseSqrt within a few ulp
    await close(p, out, 1e-6, 1e-5)
    const dy = upload(p, randoms(B * T * d, 43, -1, 1))
    const dx = scratch(p, B * T * d)
    const dw = scratch(p, d)
    run(p, (V) => ({
      kernel: "rmsnormBackward",
      x: V(view(x, [B, T, d])),
      weight: V(view(w, [d])),
      rstd: V(view(rstd, [B, T])),
      dy: V(view(dy, [B, T, d])),
      dx: V(view(dx, [B, T, d])),
      dweight: V(view(dw, [d]))
    }))
    await close(p, dx, 1e-5, 1e-4) // as in the 2-D test
    await close(p, dw, 1e-5, 1e-4)
  })

  it("rope forward and inverse on strided x", async () => {
    const p = pair("register")
    const [B, H, T, D] = [2, 3, 5, 8]
    // x stored as [B, T, H, D] and viewed as [B, H, T, D].
    const x = upload(p, randoms(B * H * T * D, 3))
    const xv = permute(view(x, [B, T, H, D]), [0, 2, 1, 3])
    const pos = upload(p, randoms(B * T, 4, 0, 300).map(Math.floor), "i32")
    for (const theta of [10000, 1e6]) {
      for (const inverse of [false, true]) {
        const out = scratch(p, B * H * T * D)
        run(p, (V) => ({ kernel: "rope", x: V(xv), positions: V(view(pos, [B, T])), theta, inverse, out: V(view(out, [B, H, T, D])) }))
        // f32 angles: error ≈ position · 2^-24 rad ≤ 2e-5 for positions < 300: atol 1e-4.
        await close(p, out, 1e-4, 1e-5)
      }
    }
  })

  interface AttnCase {
    readonly B: number
    readonly Hq: number
    readonly Hkv: number
    readonly T: number
    readonly S: number
    readonly D: number
    readonly causal: boolean
    readonly qOffset: number
    readonly kvLength: number
    readonly kvLengths?: ReadonlyArray<number>
    readonly dtype?: DType
    readonly stridedQ?: boolean
  }
  const ATTN: ReadonlyArray<AttnCase> = [
    { B: 2, Hq: 4, Hkv: 2, T: 5, S: 7, D: 16, causal: true, qOffset: 2, kvLength: 6 },
    { B: 1, Hq: 3, Hkv: 1, T: 33, S: 33, D: 64, causal: true, qOffset: 0, kvLength: 33, stridedQ: true },
    { B: 2, Hq: 2, Hkv: 2, T: 3, S: 9, D: 12, causal: false, qOffset: 0, kvLength: 9, kvLengths: [4, 9] },
    { B: 1, Hq: 2, Hkv: 1, T: 4, S: 6, D: 16, causal: true, qOffset: -2, kvLength: 6 }, // first rows see no key
    { B: 2, Hq: 2, Hkv: 1, T: 5, S: 7, D: 6, causal: true, qOffset: 2, kvLength: 7 }, // D % 4 != 0: scalar kernels
    { B: 1, Hq: 4, Hkv: 2, T: 7, S: 11, D: 16, causal: false, qOffset: 0, kvLength: 11, dtype: "f16" },
    { B: 1, Hq: 2, Hkv: 2, T: 70, S: 83, D: 16, causal: true, qOffset: 13, kvLength: 80 }, // two 64-row query blocks
    // Hq = Hkv: the register backend's backward takes the matmul formulation (score scratch).
    { B: 2, Hq: 2, Hkv: 2, T: 9, S: 12, D: 16, causal: true, qOffset: 3, kvLength: 12, stridedQ: true }, // S % 4 = 0: no padding
    { B: 1, Hq: 3, Hkv: 3, T: 6, S: 9, D: 8, causal: true, qOffset: -2, kvLength: 9 }, // rows that see no key, padded S
    { B: 2, Hq: 1, Hkv: 1, T: 5, S: 10, D: 6, causal: false, qOffset: 0, kvLength: 7 }, // D % 4 != 0, kvLength < S
    { B: 1, Hq: 2, Hkv: 2, T: 11, S: 13, D: 16, causal: true, qOffset: 2, kvLength: 13, dtype: "f16" },
    // Large enough for the register matmuls, which skip the causally zero half.
    { B: 1, Hq: 2, Hkv: 2, T: 150, S: 155, D: 16, causal: true, qOffset: 5, kvLength: 155 },
    { B: 1, Hq: 1, Hkv: 1, T: 130, S: 130, D: 32, causal: true, qOffset: -3, kvLength: 128 }
  ]

  for (const variant of ["register", "tiled"] as const) {
  it(`attention forward (${variant === "tiled" ? "tiled" : "per-thread"}; GQA, causal, qOffset, kvLength, kvLengths, strided q, f16) and backward`, async () => {
    const p = pair(variant)
    let seed = 50
    // The tiled kernel unrolls its D loops: D = 64 compiles for ~20 s cold on llvmpipe, so
    // it is checked on the small heads here (and at D = 64 on real GPUs by the benchmark run).
    for (const c of ATTN.filter((a) => variant === "register" || a.D <= 16)) {
      const dt = c.dtype ?? "f32"
      const { B, Hq, Hkv, T, S, D } = c
      const q = upload(p, randoms(B * Hq * T * D, seed++), dt)
      const k = upload(p, randoms(B * Hkv * S * D, seed++), dt)
      const v = upload(p, randoms(B * Hkv * S * D, seed++), dt)
      const qv = c.stridedQ === true ? permute(view(q, [B, T, Hq, D]), [0, 2, 1, 3]) : view(q, [B, Hq, T, D])
      const out = scratch(p, B * Hq * T * D, dt)
      const lse = scratch(p, B * Hq * T)
      const kvl = c.kvLengths === undefined ? undefined : upload(p, c.kvLengths, "i32")
      const scale = 1 / Math.sqrt(D)
      run(p, (V) => ({
        kernel: "attention",
        q: V(qv),
        k: V(view(k, [B, Hkv, S, D])),
        v: V(view(v, [B, Hkv, S, D])),
        out: V(view(out, [B, Hq, T, D])),
        lse: V(view(lse, [B, Hq, T])),
        scale,
        causal: c.causal,
        qOffset: c.qOffset,
        kvLength: c.kvLength,
        ...(kvl === undefined ? {} : { kvLengths: V(view(kvl, [B])) })
      }))
      // Online softmax in f32 vs an f64 two-pass reference: atol 1e-5 (f16 out: 2^-10 relative).
      await close(p, out, dt === "f32" ? 1e-5 : 1e-3, dt === "f32" ? 1e-5 : 2e-3)
      await close(p, lse, 1e-5, 1e-5)
      if (kvl !== undefined) continue
      const dout = upload(p, randoms(B * Hq * T * D, seed++), dt)
      const dq = scratch(p, B * Hq * T * D, dt)
      const dk = scratch(p, B * Hkv * S * D, dt)
      const dvv = scratch(p, B * Hkv * S * D, dt)
      run(p, (V) => ({
        kernel: "attentionBackward",
        q: V(qv),
        k: V(view(k, [B, Hkv, S, D])),
        v: V(view(v, [B, Hkv, S, D])),
        out: V(view(out, [B, Hq, T, D])),
        lse: V(view(lse, [B, Hq, T])),
        dout: V(view(dout, [B, Hq, T, D])),
        dq: V(view(dq, [B, Hq, T, D])),
        dk: V(view(dk, [B, Hkv, S, D])),
        dv: V(view(dvv, [B, Hkv, S, D])),
        scale,
        causal: c.causal,
        qOffset: c.qOffset,
        kvLength: c.kvLength
      }))
      // Gradients sum over up to T·group terms in f32: atol 1e-4, rtol 1e-4 (f16: 2^-9).
      for (const g of [dq, dk, dvv]) await close(p, g, dt === "f32" ? 1e-4 : 2e-3, dt === "f32" ? 1e-4 : 4e-3)
    }
  })
  }

  it("embedding gather and deterministic scatter-add backward (repeats, out-of-range ids)", async () => {
    const p = pair("register")
    const [V_, D, N] = [11, 6, 17]
    const ids = upload(p, [3, 0, 3, 10, 5, 3, -1, 0, 11, 7, 7, 2, 3, 9, 1, 0, 4], "i32")
    for (const dt of ["f32", "f16"] as const) {
      const table = upload(p, randoms(V_ * D, 8), dt)
      const out = scratch(p, N * D, dt)
      run(p, (V) => ({ kernel: "embedding", table: V(view(table, [V_, D])), ids: V(view(ids, [N])), out: V(view(out, [N, D])) }))
      // Out-of-range ids: the CPU writes what it writes; compare only the valid rows exactly below.
      const dtable = upload(p, randoms(V_ * D, 9), dt)
      const dy = upload(p, randoms(N * D, 10), dt)
      run(p, (V) => ({ kernel: "embeddingBackward", ids: V(view(ids, [N])), dy: V(view(dy, [N, D])), dtable: V(view(dtable, [V_, D])) }))
      // Up to 4 repeats added in another order than the CPU's: atol 1e-6 (f16: 2^-9 relative).
      await close(p, dtable, dt === "f32" ? 1e-6 : 2e-3, dt === "f32" ? 1e-6 : 2e-3)
    }
  })

  it("embedding gather of valid ids is exact", async () => {
    const p = pair("register")
    const ids = upload(p, [3, 0, 3, 10, 5], "i32")
    const table = upload(p, randoms(11 * 6, 8))
    const out = scratch(p, 5 * 6)
    run(p, (V) => ({ kernel: "embedding", table: V(permute(view(table, [6, 11]), [1, 0])), ids: V(view(ids, [5])), out: V(view(out, [5, 6])) }))
    await close(p, out, 0, 0) // exact: a copy
  })

  it("scatterRows: rows land exactly at distinct ids (strided x and out, dtype conversion, out-of-range ids)", async () => {
    const p = pair("register")
    const [V_, D, N] = [13, 5, 6]
    const ids = upload(p, [12, 0, -2, 7, 13, 3], "i32")
    for (const [xt, ot] of [["f32", "f32"], ["f16", "f32"], ["f32", "f16"]] as const) {
      const x = upload(p, randoms(N * D, 11), xt)
      const out = scratch(p, V_ * D, ot)
      // x read transposed, out through a column-major view: the kernel follows both strides.
      run(p, (V) => ({
        kernel: "scatterRows",
        ids: V(view(ids, [N])),
        x: V(permute(view(x, [D, N]), [1, 0])),
        out: V(permute(view(out, [D, V_]), [1, 0]))
      }))
      await close(p, out, 0, 0) // exact: a copy (f16 rounds to nearest even on both sides); untouched rows equal
    }
    // The decode shape: one new row per (batch row, kv head) written into a [rows·Hkv·S, D] cache.
    const [R, H, S, Dh] = [3, 2, 9, 8]
    const cache = scratch(p, R * H * S * Dh)
    const fresh = upload(p, randoms(R * H * Dh, 12))
    const lengths = [4, 0, 8]
    const slots = upload(p, Array.from({ length: R * H }, (_, i) => i * S + lengths[Math.floor(i / H)]!), "i32")
    run(p, (V) => ({ kernel: "scatterRows", ids: V(view(slots, [R * H])), x: V(view(fresh, [R * H, Dh])), out: V(view(cache, [R * H * S, Dh])) }))
    await close(p, cache, 0, 0) // exact
  })

  it("addRmsnorm: sum and norm of offset rows (f32; f16 x, sum and out)", async () => {
    const p = pair("register")
    const [rows, d] = [37, 96]
    for (const [dt, atol, rtol] of [["f32", 1e-5, 1e-5], ["f16", 4e-3, 4e-3]] as const) {
      const x = upload(p, randoms(rows * d + 2, 51, -3, 3), dt)
      const res = upload(p, randoms(rows * d, 52, -3, 3))
      const w = upload(p, randoms(d, 53, 0.5, 1.5))
      const sum = scratch(p, rows * d + 1, dt)
      const out = scratch(p, rows * d, dt)
      const rstd = scratch(p, rows)
      run(p, (V) => ({
        kernel: "addRmsnorm",
        x: V({ ...view(x, [rows, d]), offset: 2 }),
        residual: V(view(res, [rows, d])),
        weight: V(view(w, [d])),
        eps: 1e-6,
        sum: V({ ...view(sum, [rows, d]), offset: 1 }),
        out: V(view(out, [rows, d])),
        rstd: V(view(rstd, [rows]))
      }))
      // f32: the sum is one rounding on both sides and the norm a reduction of 96 squares
      // (abs + rel 1e-5); f16: outputs rounded to f16 after that (abs + rel 4e-3).
      await close(p, sum, atol, rtol)
      await close(p, out, atol, rtol)
      await close(p, rstd, 1e-5, 1e-5)
    }
  })

  it("siluMul and siluMulBackward (offset views; f32, and f16 gate/up with an f16 out)", async () => {
    const p = pair("register")
    const n = 1000
    for (const [dt, atol, rtol] of [["f32", 1e-6, 1e-5], ["f16", 2e-3, 2e-3]] as const) {
      // Gate in [-30, 30] reaches both branches of the overflow-free sigmoid and its saturation.
      const gate = upload(p, randoms(n + 3, 41, -30, 30), dt)
      const up = upload(p, randoms(n + 3, 42, -2, 2), dt)
      const dy = upload(p, randoms(n, 43, -1, 1))
      const out = scratch(p, n + 5, dt)
      const dgate = scratch(p, n, dt)
      const dup = scratch(p, n + 2, dt)
      const at = (d: typeof gate, offset: number) => ({ ...view(d, [10, 100]), offset })
      run(p, (V) => ({ kernel: "siluMul", gate: V(at(gate, 3)), up: V(at(up, 1)), out: V(at(out, 5)) }))
      run(p, (V) => ({
        kernel: "siluMulBackward",
        gate: V(at(gate, 3)),
        up: V(at(up, 1)),
        dy: V(view(dy, [10, 100])),
        dgate: V(view(dgate, [10, 100])),
        dup: V(at(dup, 2))
      }))
      // f32: WGSL exp against the CPU's fastExp, a few ulps: abs 1e-6 + rel 1e-5. f16 outputs:
      // one f16 rounding of results within the f32 error, abs + rel 2e-3. Untouched elements equal.
      await close(p, out, atol, rtol)
      await close(p, dgate, atol, rtol)
      await close(p, dup, atol, rtol)
    }
  })

  /** logprobGather, then its backward, on both backends: random [N, V] logits, targets `tg`. */
  const logprobBoth = (p: Pair, N: number, Vv: number, tg: ReadonlyArray<number>, seed: number, dyValues: ArrayLike<number>) => {
    const logits = upload(p, randoms(N * Vv, seed, -8, 8))
    const targets = upload(p, tg, "i32")
    const out = scratch(p, N)
    const lse = scratch(p, N)
    run(p, (V) => ({ kernel: "logprobGather", logits: V(view(logits, [N, Vv])), targets: V(view(targets, [N])), out: V(view(out, [N])), lse: V(view(lse, [N])) }))
    const dy = upload(p, dyValues)
    const dl = scratch(p, N * Vv)
    run(p, (V) => ({
      kernel: "logprobGatherBackward",
      logits: V(view(logits, [N, Vv])),
      targets: V(view(targets, [N])),
      lse: V(view(lse, [N])),
      dy: V(view(dy, [N])),
      dlogits: V(view(dl, [N, Vv]))
    }))
    return { out, lse, dl }
  }

  it("logprobGather forward and backward with ignored targets", async () => {
    const p = pair("register")
    for (const [N, Vv] of [[5, 300], [4, 7], [530, 29]] as const) {
      const tg = Array.from({ length: N }, (_, i) => (i === 1 ? -1 : (i * 37) % Vv))
      const { out, lse, dl } = logprobBoth(p, N, Vv, tg, Vv, randoms(N, 12))
      // f32 log-sum-exp over ≤ 300 terms: atol 1e-5, rtol 1e-6.
      await close(p, out, 1e-5, 1e-6)
      await close(p, lse, 1e-5, 1e-6)
      await close(p, dl, 1e-6, 1e-5) // exp(x - lse) in f32: rtol 1e-5
    }
  })

  it("logprobGather: a target past the vocabulary gives 0 and a zero gradient row, like an ignored one", async () => {
    const p = pair("register")
    // 3 rows: one workgroup per row; 520 rows: one thread per row on software adapters.
    for (const [N, Vv] of [[3, 7], [520, 29]] as const) {
      // Row 0 targets V (the next row's first logit if read), row 1 V + 5, the rest valid.
      const tg = Array.from({ length: N }, (_, i) => (i === 0 ? Vv : i === 1 ? Vv + 5 : i % Vv))
      const { out, dl } = logprobBoth(p, N, Vv, tg, Vv + 1, randoms(N, 13, 0.5, 1))
      await close(p, out, 1e-5, 1e-6) // as above; the CPU writes 0 for a target outside [0, V)
      // A constant forward has a zero gradient: exact zeros in rows 0 and 1, not zeros in row 2.
      const g = (await download(p, dl)).gpu
      expect([...g.slice(0, 2 * Vv)]).toEqual(new Array(2 * Vv).fill(0))
      expect(g.slice(2 * Vv, 3 * Vv).some((x) => x !== 0)).toBe(true)
    }
  })

  it("adamw on f32 and f16 params", async () => {
    const p = pair("register")
    for (const [shape, dt] of [[[37], "f32"], [[10, 7], "f16"]] as const) {
      const n = shape.reduce((a: number, b: number) => a * b, 1)
      const param = upload(p, randoms(n, 20), dt)
      const grad = upload(p, randoms(n, 21), dt)
      const m = upload(p, randoms(n, 22, -0.1, 0.1))
      const v = upload(p, randoms(n, 23, 0, 0.01))
      const step = 3
      run(p, (V) => ({
        kernel: "adamw",
        param: V(view(param, shape)),
        grad: V(view(grad, shape)),
        m: V(view(m, shape)),
        v: V(view(v, shape)),
        lr: 1e-2,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.1,
        biasCorrection1: 1 - 0.9 ** step,
        biasCorrection2: 1 - 0.999 ** step,
        gradScale: 0.5
      }))
      // f32 arithmetic of a few ops on O(1) values: atol 1e-6 (f16 param: 2^-10 relative).
      await close(p, m, 1e-7, 1e-6)
      await close(p, v, 1e-8, 1e-5)
      await close(p, param, dt === "f32" ? 1e-6 : 1e-3, dt === "f32" ? 1e-6 : 1e-3)
    }
  })

  it("random: Philox uniform is bit-identical to the CPU, normal within f32 Box-Muller error", async () => {
    const p = pair("register")
    for (const counter of [0, 2 ** 32 - 5, 123456789012]) {
      const u = scratch(p, 1003)
      run(p, (V) => ({ kernel: "random", distribution: "uniform", key: [0xdeadbeef, 42], counter, out: V(view(u, [1003])) }))
      await close(p, u, 0, 0) // bit-identical
      const z = scratch(p, 1003)
      run(p, (V) => ({ kernel: "random", distribution: "normal", key: [7, 0xffffffff], counter, out: V(view(z, [1003])) }))
      // f32 log/cos/sqrt vs f64: atol 2e-5 for |z| <= 5.8.
      await close(p, z, 2e-5, 1e-5)
    }
  })
})
