/**
 * Where the WASM GEMM keeps its control words and call parameters inside the module's
 * memory, so the calling thread and every worker read the same call without messages.
 * All indices count 32-bit words from byte 0 unless named `…Byte`.
 *
 * @since 0.2.0
 */

/** Bumped by the caller for every threaded call; workers `Atomics.wait` on it. */
export const GEN = 0
/** Set to 1 by `close`; workers exit their loop. */
export const QUIT = 1
/** Tiles finished in the current call; the caller waits until it reaches the tile count. */
export const DONE = 2
/** Index in a `BigInt64Array` of the work word: `generation << 32 | next tile`. */
export const WORK64 = 2
/** First word of the call parameters (see `Param`). */
export const PARAMS = 16
/** First word of the per-thread packed-B cache keys, `KEY_WORDS` per thread. */
export const KEYS = 64
/** Words per thread key: call id, B batch offset (bytes), first column, valid flag. */
export const KEY_WORDS = 4
/** First word of the per-thread counters of tiles run (diagnostics: who did the work). */
export const TILE_COUNTS = 320
/** Most threads (calling thread included) the control block has room for. */
export const MAX_THREADS = 64
/** First byte of the data area (thread areas, then A, B, C). */
export const DATA_BYTE = 4096

/**
 * Offsets of the call parameters from `PARAMS`. Pointers and byte strides are in bytes;
 * `lda`/`ldb`/`ldc` and `stride…` in elements. `alpha` and `beta` are f32 words.
 */
export const Param = {
  callId: 0,
  batch: 1,
  m: 2,
  n: 3,
  k: 4,
  transA: 5,
  transB: 6,
  aPtr: 7,
  lda: 8,
  strideA: 9,
  bPtr: 10,
  ldb: 11,
  strideB: 12,
  cPtr: 13,
  ldc: 14,
  strideC: 15,
  alpha: 16,
  beta: 17,
  mc: 18,
  nc: 19,
  kc: 20,
  tilesM: 21,
  tilesN: 22,
  areaPtr: 23,
  areaBytes: 24,
  total: 25,
  packABytes: 26,
  packBBytes: 27
} as const
