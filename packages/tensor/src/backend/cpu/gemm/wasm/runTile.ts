/**
 * One tile of C (`mc × nc` of one batch item) from the parameters in memory, and the loop
 * every thread runs to claim tiles from the shared work counter. Shared by the calling
 * thread and the workers, so both read the call the same way.
 *
 * @since 0.2.0
 */
import { MICRO_TILE } from "./gemmKernels.ts"
import { DONE, KEY_WORDS, KEYS, Param, PARAMS, TILE_COUNTS, WORK64 } from "./gemmLayout.ts"

/** @since 0.2.0 */
export interface GemmExports {
  readonly packA: (src: number, strideW: number, strideK: number, count: number, depth: number, dst: number) => void
  readonly packB: (src: number, strideW: number, strideK: number, count: number, depth: number, dst: number) => void
  readonly kernel: (
    kc: number,
    mc: number,
    nc: number,
    ap: number,
    aPanelStride: number,
    bp: number,
    bPanelStride: number,
    c: number,
    ldc: number,
    alpha: number,
    beta: number,
    scratch: number
  ) => void
}

/**
 * Views of the control block. They stay valid across `memory.grow` of a shared memory
 * (its old buffer keeps its length and the control block never moves).
 *
 * @since 0.2.0
 */
export interface TileContext {
  readonly i32: Int32Array
  readonly f32: Float32Array
  readonly i64: BigInt64Array
  readonly exports: GemmExports
}

/** @since 0.2.0 */
export const makeTileContext = (buffer: ArrayBufferLike, exports: GemmExports): TileContext => ({
  i32: new Int32Array(buffer, 0, 1024),
  f32: new Float32Array(buffer, 0, 1024),
  i64: new BigInt64Array(buffer, 0, 512),
  exports
})

/**
 * Computes tile `tile` on thread `thread` (0 is the calling thread): packs this thread's
 * B panel for the tile's columns over all of K (kept across tiles of the same columns, so
 * each thread packs each panel about once), then for each `kc` block packs the A block
 * and runs the kernel.
 *
 * @since 0.2.0
 */
export const runTile = (ctx: TileContext, tile: number, thread: number): void => {
  const { i32, f32, exports } = ctx
  const p = (field: number): number => i32[PARAMS + field]!
  const { mr, nr } = MICRO_TILE
  const m = p(Param.m)
  const n = p(Param.n)
  const k = p(Param.k)
  const mc = p(Param.mc)
  const nc = p(Param.nc)
  const kc = p(Param.kc)
  const tilesM = p(Param.tilesM)
  const perBatch = tilesM * p(Param.tilesN)
  const b = Math.floor(tile / perBatch)
  const inBatch = tile - b * perBatch
  const jt = Math.floor(inBatch / tilesM)
  const it = inBatch - jt * tilesM
  const i0 = it * mc
  const j0 = jt * nc
  const mCur = Math.min(mc, m - i0)
  const nCur = Math.min(nc, n - j0)
  const lda = p(Param.lda)
  const ldb = p(Param.ldb)
  const ldc = p(Param.ldc)
  const area = p(Param.areaPtr) + thread * p(Param.areaBytes)
  const bPack = area
  const aPack = area + p(Param.packBBytes)
  const scratch = aPack + p(Param.packABytes)
  const aBase = p(Param.aPtr) + 4 * b * p(Param.strideA)
  const bBase = p(Param.bPtr) + 4 * b * p(Param.strideB)
  const cTile = p(Param.cPtr) + 4 * (b * p(Param.strideC) + i0 * ldc + j0)
  const key = KEYS + thread * KEY_WORDS
  const callId = p(Param.callId)
  if (i32[key] !== callId || i32[key + 1] !== bBase || i32[key + 2] !== j0 || i32[key + 3] !== 1) {
    // Column j of op(B) is row j of the stored B when transposed.
    if (p(Param.transB) !== 0) exports.packB(bBase + 4 * j0 * ldb, 4 * ldb, 4, nCur, k, bPack)
    else exports.packB(bBase + 4 * j0, 4, 4 * ldb, nCur, k, bPack)
    i32[key] = callId
    i32[key + 1] = bBase
    i32[key + 2] = j0
    i32[key + 3] = 1
  }
  const transA = p(Param.transA) !== 0
  const alpha = f32[PARAMS + Param.alpha]!
  const beta = f32[PARAMS + Param.beta]!
  for (let pc = 0; pc < k; pc += kc) {
    const kcCur = Math.min(kc, k - pc)
    if (transA) exports.packA(aBase + 4 * (pc * lda + i0), 4, 4 * lda, mCur, kcCur, aPack)
    else exports.packA(aBase + 4 * (i0 * lda + pc), 4 * lda, 4, mCur, kcCur, aPack)
    exports.kernel(kcCur, mCur, nCur, aPack, 4 * mr * kcCur, bPack + 4 * nr * pc, 4 * nr * k, cTile, 4 * ldc, alpha, pc === 0 ? beta : 1, scratch)
  }
}

/**
 * Claims and runs tiles of call generation `generation` until none is left. A claim is a
 * compare-and-swap on `generation << 32 | next`, so a worker that wakes late (its call
 * already finished) can never take a tile of the next call with stale parameters.
 *
 * @since 0.2.0
 */
export const drainTiles = (ctx: TileContext, thread: number, generation: number): void => {
  const { i32, i64 } = ctx
  const high = BigInt(generation) << 32n
  for (;;) {
    const word = Atomics.load(i64, WORK64)
    if ((word & ~0xffffffffn) !== high) return
    const tile = Number(word & 0xffffffffn)
    const total = i32[PARAMS + Param.total]!
    if (tile >= total) return
    if (Atomics.compareExchange(i64, WORK64, word, word + 1n) !== word) continue
    runTile(ctx, tile, thread)
    i32[TILE_COUNTS + thread]!++
    if (Atomics.add(i32, DONE, 1) + 1 === total) Atomics.notify(i32, DONE)
  }
}
