/**
 * Generates the WASM SIMD GEMM module: panel packing and the register-blocked macro-kernel
 * (an `MR × NR` tile of f32x4 accumulators swept over packed panels). The tile driver
 * (`runTile.ts`) does the cache blocking and calls these per block. Run
 * `npm run build:wasm-gemm -w @sapphire-rl/tensor` after editing to regenerate
 * `gemmModule.generated.ts`; a test checks the committed module equals this output.
 *
 * @since 0.2.0
 */
import { type Code, encodeModule, F32, FunctionBuilder, I32, op, V128 } from "./wasmEncoder.ts"

/**
 * Rows × columns of the micro-kernel's register tile: 8 f32x4 accumulators, two B vectors
 * and one broadcast A. Measured kernel-only on this machine (V8, x64, one 72×256×256 block):
 * 4 × 8 54 GFLOP/s with relaxed FMA (46 mul + add), 6 × 8 40 (27), 8 × 8 33, 4 × 12 10: the
 * larger tiles outgrow the 16 XMM registers V8 allocates and spill.
 *
 * @since 0.2.0
 */
export const MICRO_TILE = { mr: 4, nr: 8 } as const

/**
 * Pages the module declares for its imported memory: at least 1 page, at most 2 GiB, so
 * every byte address fits an i32 and JS offsets stay below 2³¹.
 *
 * @since 0.2.0
 */
export const MEMORY_PAGES = { min: 1, max: 32768 } as const

/** `for (i = start; i < end; i += step) body` (body must not branch out). */
const forRange = (i: number, start: Code, end: Code, step: Code, body: Code): Code => [
  start,
  op.set(i),
  op.block(op.loop([
    op.get(i),
    end,
    op.i32GeS,
    op.brIf(1),
    body,
    op.get(i),
    step,
    op.i32Add,
    op.set(i),
    op.br(0)
  ]))
]

const range = (n: number): Array<number> => Array.from({ length: n }, (_, i) => i)

/**
 * `pack{W}(src, strideW, strideK, count, depth, dst)`: copies a `count × depth` block whose
 * element `(w, k)` sits at byte `src + w·strideW + k·strideK` into panels of `W` rows:
 * panel `p`, step `k` holds rows `p·W … p·W + W − 1` contiguously, zero past `count`. The
 * same routine packs A (rows of op(A)) and B (columns of op(B)); a transpose is only a swap
 * of the two strides.
 */
const packFunction = (width: number): { fn: FunctionBuilder; body: Code } => {
  const fn = new FunctionBuilder([I32, I32, I32, I32, I32, I32])
  const [src, strideW, strideK, count, depth, dst] = [0, 1, 2, 3, 4, 5] as const
  const p = fn.local(I32)
  const k = fn.local(I32)
  const s = fn.local(I32)
  const d = fn.local(I32)
  const rem = fn.local(I32)
  const a = fn.local(I32)
  const offsets = range(width).map(() => fn.local(I32))
  const stepDst: Code = [op.get(d), op.i32(width * 4), op.i32Add, op.set(d)]
  const rowAt = (w: number): Code => (w === 0 ? op.get(a) : [op.get(a), op.get(offsets[w]!), op.i32Add])
  const atK: Code = [op.get(s), op.get(k), op.get(strideK), op.i32Mul, op.i32Add, op.set(a)]
  const vectors = Math.floor(width / 4)
  // Contiguous along w (A transposed, B not): whole f32x4 copies.
  const contiguous = forRange(k, op.i32(0), op.get(depth), op.i32(1), [
    atK,
    range(vectors).map((v) => [op.get(d), op.get(a), op.v128Load(16 * v), op.v128Store(16 * v)]),
    range(width - 4 * vectors).map((e) => {
      const w = 4 * vectors + e
      return [op.get(d), op.get(a), op.f32Load(4 * w), op.f32Store(4 * w)]
    }),
    stepDst
  ])
  const strided = forRange(k, op.i32(0), op.get(depth), op.i32(1), [
    atK,
    range(width).map((w) => [op.get(d), rowAt(w), op.f32Load(), op.f32Store(4 * w)]),
    stepDst
  ])
  const partial = forRange(k, op.i32(0), op.get(depth), op.i32(1), [
    atK,
    range(width).map((w) =>
      op.if([op.i32(w), op.get(rem), op.i32LtS], [op.get(d), rowAt(w), op.f32Load(), op.f32Store(4 * w)], [
        op.get(d),
        op.f32(0),
        op.f32Store(4 * w)
      ])
    ),
    stepDst
  ])
  const body: Code = [
    op.get(dst),
    op.set(d),
    range(width).map((w) => [op.get(strideW), op.i32(w), op.i32Mul, op.set(offsets[w]!)]),
    forRange(p, op.i32(0), op.get(count), op.i32(width), [
      op.get(count),
      op.get(p),
      op.i32Sub,
      op.set(rem),
      op.get(src),
      op.get(p),
      op.get(strideW),
      op.i32Mul,
      op.i32Add,
      op.set(s),
      op.if(
        [op.get(rem), op.i32(width), op.i32GeS],
        op.if([op.get(strideW), op.i32(4), op.i32Eq], contiguous, strided),
        partial
      )
    ])
  ]
  return { fn, body }
}

/**
 * `kernel(kc, mc, nc, ap, aPanelStride, bp, bPanelStride, c, ldc, alpha, beta, scratch)`:
 * `C[mc × nc] = alpha · Ap · Bp + beta · C` over packed panels (`ap`: `⌈mc/MR⌉` panels of
 * `kc × MR`, `aPanelStride` bytes apart; `bp`: `⌈nc/NR⌉` panels of `kc × NR`), `C` at byte
 * `c` with row pitch `ldc` bytes. `beta = 0` never reads C. Edge tiles go through the
 * `MR × NR` scratch at `scratch`. Requires `kc ≥ 1`.
 */
const kernelFunction = (mr: number, nr: number, fused: boolean): { fn: FunctionBuilder; body: Code } => {
  const fn = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, I32])
  const [kc, mc, nc, ap, aPanelStride, bp, bPanelStride, c, ldc, alpha, beta, scratch] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const
  const nv = nr / 4
  const jr = fn.local(I32)
  const ir = fn.local(I32)
  const rows = fn.local(I32)
  const cols = fn.local(I32)
  const apCur = fn.local(I32)
  const bpCur = fn.local(I32)
  const cTile = fn.local(I32)
  const cRow = fn.local(I32)
  const k = fn.local(I32)
  const pa = fn.local(I32)
  const pb = fn.local(I32)
  const i = fn.local(I32)
  const j = fn.local(I32)
  const addr = fn.local(I32)
  const value = fn.local(F32)
  const acc = range(mr).map(() => range(nv).map(() => fn.local(V128)))
  const bv = range(nv).map(() => fn.local(V128))
  const av = fn.local(V128)
  const alphaV = fn.local(V128)
  const betaV = fn.local(V128)

  const madd = (r: number, v: number): Code =>
    fused
      ? [op.get(av), op.get(bv[v]!), op.get(acc[r]![v]!), op.f32x4RelaxedMadd, op.set(acc[r]![v]!)]
      : [op.get(acc[r]![v]!), op.get(av), op.get(bv[v]!), op.f32x4Mul, op.f32x4Add, op.set(acc[r]![v]!)]

  const micro: Code = [
    acc.flat().map((x) => [op.v128Zero, op.set(x)]),
    op.get(apCur),
    op.set(pa),
    op.get(bpCur),
    op.set(pb),
    op.get(kc),
    op.set(k),
    op.loop([
      range(nv).map((v) => [op.get(pb), op.v128Load(16 * v), op.set(bv[v]!)]),
      range(mr).map((r) => [op.get(pa), op.v128Load32Splat(4 * r), op.set(av), range(nv).map((v) => madd(r, v))]),
      op.get(pa),
      op.i32(mr * 4),
      op.i32Add,
      op.set(pa),
      op.get(pb),
      op.i32(nr * 4),
      op.i32Add,
      op.set(pb),
      op.get(k),
      op.i32(1),
      op.i32Sub,
      op.tee(k),
      op.brIf(0)
    ])
  ]

  const nextRow: Code = [op.get(cRow), op.get(ldc), op.i32Add, op.set(cRow)]
  const scaled = (r: number, v: number): Code => [op.get(acc[r]![v]!), op.get(alphaV), op.f32x4Mul]
  const storeFull: Code = [
    op.get(cTile),
    op.set(cRow),
    op.if(
      [op.get(beta), op.f32(0), op.f32Eq],
      range(mr).map((r) => [range(nv).map((v) => [op.get(cRow), scaled(r, v), op.v128Store(16 * v)]), nextRow]),
      range(mr).map((r) => [
        range(nv).map((v) => [
          op.get(cRow),
          op.get(cRow),
          op.v128Load(16 * v),
          op.get(betaV),
          op.f32x4Mul,
          scaled(r, v),
          op.f32x4Add,
          op.v128Store(16 * v)
        ]),
        nextRow
      ])
    )
  ]
  const storeEdge: Code = [
    range(mr).map((r) => range(nv).map((v) => [op.get(scratch), op.get(acc[r]![v]!), op.v128Store((r * nr + 4 * v) * 4)])),
    forRange(i, op.i32(0), op.get(rows), op.i32(1), [
      forRange(j, op.i32(0), op.get(cols), op.i32(1), [
        op.get(cTile),
        op.get(i),
        op.get(ldc),
        op.i32Mul,
        op.i32Add,
        op.get(j),
        op.i32(4),
        op.i32Mul,
        op.i32Add,
        op.set(addr),
        op.get(scratch),
        op.get(i),
        op.i32(nr),
        op.i32Mul,
        op.get(j),
        op.i32Add,
        op.i32(4),
        op.i32Mul,
        op.i32Add,
        op.f32Load(),
        op.get(alpha),
        op.f32Mul,
        op.set(value),
        op.if([op.get(beta), op.f32(0), op.f32Ne], [
          op.get(addr),
          op.f32Load(),
          op.get(beta),
          op.f32Mul,
          op.get(value),
          op.f32Add,
          op.set(value)
        ]),
        op.get(addr),
        op.get(value),
        op.f32Store()
      ])
    ])
  ]

  const minOf = (limit: number, total: number, at: number): Code => [
    op.i32(limit),
    op.get(total),
    op.get(at),
    op.i32Sub,
    op.get(total),
    op.get(at),
    op.i32Sub,
    op.i32(limit),
    op.i32GtS,
    op.select
  ]

  const body: Code = [
    op.get(alpha),
    op.f32x4Splat,
    op.set(alphaV),
    op.get(beta),
    op.f32x4Splat,
    op.set(betaV),
    op.get(bp),
    op.set(bpCur),
    forRange(jr, op.i32(0), op.get(nc), op.i32(nr), [
      minOf(nr, nc, jr),
      op.set(cols),
      op.get(ap),
      op.set(apCur),
      forRange(ir, op.i32(0), op.get(mc), op.i32(mr), [
        minOf(mr, mc, ir),
        op.set(rows),
        micro,
        op.get(c),
        op.get(ir),
        op.get(ldc),
        op.i32Mul,
        op.i32Add,
        op.get(jr),
        op.i32(4),
        op.i32Mul,
        op.i32Add,
        op.set(cTile),
        op.if(
          [op.get(rows), op.i32(mr), op.i32Eq, op.get(cols), op.i32(nr), op.i32Eq, op.i32Add, op.i32(2), op.i32Eq],
          storeFull,
          storeEdge
        ),
        op.get(apCur),
        op.get(aPanelStride),
        op.i32Add,
        op.set(apCur)
      ]),
      op.get(bpCur),
      op.get(bPanelStride),
      op.i32Add,
      op.set(bpCur)
    ])
  ]
  return { fn, body }
}

/**
 * Which module to build: shared memory (for worker threads) or not (for hosts without
 * `SharedArrayBuffer`), and fused multiply-add through relaxed SIMD or plain mul + add.
 *
 * @since 0.2.0
 */
export interface GemmModuleVariant {
  readonly shared: boolean
  readonly relaxed: boolean
}

/**
 * The module's bytes: exports `packA` (panels of MR), `packB` (panels of NR) and `kernel`.
 *
 * @since 0.2.0
 */
export const buildGemmModule = (variant: GemmModuleVariant): Uint8Array<ArrayBuffer> => {
  const { mr, nr } = MICRO_TILE
  const packA = packFunction(mr)
  const packB = packFunction(nr)
  const kernel = kernelFunction(mr, nr, variant.relaxed)
  return encodeModule({
    memory: { shared: variant.shared, minPages: MEMORY_PAGES.min, maxPages: MEMORY_PAGES.max },
    functions: [
      { name: "packA", ...packA },
      { name: "packB", ...packB },
      { name: "kernel", ...kernel }
    ]
  })
}

/** @since 0.2.0 */
export const GEMM_MODULE_VARIANTS: ReadonlyArray<GemmModuleVariant & { readonly key: string }> = [
  { key: "shared", shared: true, relaxed: false },
  { key: "sharedRelaxed", shared: true, relaxed: true },
  { key: "unshared", shared: false, relaxed: false },
  { key: "unsharedRelaxed", shared: false, relaxed: true }
]
