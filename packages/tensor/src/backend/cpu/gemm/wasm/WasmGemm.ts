/**
 * The portable GEMM provider: a WASM SIMD kernel (`gemmKernels.ts`) on the calling thread
 * plus optional workers over one shared `WebAssembly.Memory`. `sgemm` is synchronous: the
 * caller copies the operands in, publishes the call, claims tiles itself alongside the
 * workers (tiles are claimed one at a time from an atomic counter, so a descheduled worker
 * delays at most the tile it holds), waits with `Atomics.wait`, and copies C out.
 *
 * @since 0.2.0
 */
import { checkSgemm } from "../checkSgemm.ts"
import type { GemmProvider, SgemmCall } from "../Gemm.ts"
import { MEMORY_PAGES, MICRO_TILE } from "./gemmKernels.ts"
import { gemmModuleBase64 } from "./gemmModule.generated.ts"
import { DATA_BYTE, DONE, GEN, MAX_THREADS, Param, PARAMS, QUIT, TILE_COUNTS, WORK64 } from "./gemmLayout.ts"
import type { GemmWorkerHandle, SpawnGemmWorker } from "./GemmWorkers.ts"
import { drainTiles, type GemmExports, makeTileContext, runTile } from "./runTile.ts"
import { planStage, stageIn, stageInCompact, stageOut } from "./stageMatrix.ts"
import { makeThreadingPolicy } from "./threadingPolicy.ts"

/**
 * Options for `makeWasmGemm`.
 *
 * @since 0.2.0
 * @category models
 */
export interface WasmGemmOptions {
  /**
   * Threads that compute, the calling thread included (default: the host's
   * `navigator.hardwareConcurrency`, at most 8). Forced to 1 where shared memory or a
   * blocking `Atomics.wait` on the calling thread is unavailable (a browser main thread).
   */
  readonly threads?: number
  /**
   * Use relaxed-SIMD fused multiply-add where the engine supports it (default true). FMA
   * rounds once per multiply-add, so results may differ from the mul + add build in the
   * last bits, and between machines.
   */
  readonly fma?: boolean
  /** Problems below this many flops (2·m·n·k·batch) run on the calling thread only. Default 4·10⁶. */
  readonly minThreadedFlops?: number
  /**
   * Time threaded and solo calls of each size and keep the faster, re-trying the other now
   * and then (other processes may hold the cores; see `threadingPolicy.ts`). Default true;
   * tests that must exercise the workers turn it off.
   */
  readonly adaptive?: boolean
}

/**
 * The provider, plus how many tiles each thread has run (index 0 is the calling thread), to
 * see whether the workers take part.
 *
 * @since 0.2.0
 * @category models
 */
export interface WasmGemmProvider extends GemmProvider {
  readonly tilesByThread: () => ReadonlyArray<number>
  /** Calls that qualified for threads but ran on the calling thread (the policy found it faster, or probed it). */
  readonly soloCalls: () => number
}

const decode = (base64: string): Uint8Array<ArrayBuffer> => {
  const s = atob(base64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

const canBlockHere = (): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0)
    return true
  } catch {
    return false
  }
}

const makeMemory = (shared: boolean): WebAssembly.Memory | undefined => {
  try {
    return new WebAssembly.Memory({ initial: MEMORY_PAGES.min, maximum: MEMORY_PAGES.max, shared })
  } catch {
    return undefined
  }
}

const loadSpawner = async (): Promise<SpawnGemmWorker> => {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } }
  const node = g.Deno === undefined && g.process?.versions?.node !== undefined
  return node
    ? (await import("./spawnGemmWorkerNode.ts")).spawnGemmWorker
    : (await import("./spawnGemmWorkerWeb.ts")).spawnGemmWorker
}

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to

/** `C = beta · C` (k = 0 or alpha = 0: no product to add). */
const scaleC = (call: SgemmCall): void => {
  const { c, m, n, beta } = call
  for (let b = 0; b < call.batch; b++) {
    for (let i = 0; i < m; i++) {
      const row = call.cOffset + b * call.strideC + i * call.ldc
      if (beta === 0) c.fill(0, row, row + n)
      else for (let j = 0; j < n; j++) c[row + j]! *= beta
    }
  }
}

/** Block sizes: kc (depth per packed block), mc × nc (one tile); enough tiles to share. */
const blocking = (m: number, n: number, k: number, batch: number, threads: number) => {
  const { mr, nr } = MICRO_TILE
  const kc = k <= 384 ? k : 256
  let mc = 18 * mr
  let nc = 32 * nr
  const tiles = () => batch * Math.ceil(m / mc) * Math.ceil(n / nc)
  while (threads > 1 && tiles() < 4 * threads && nc > 8 * nr && n > nc / 2) nc /= 2
  while (threads > 1 && tiles() < 4 * threads && mc > 3 * mr && m > mc / 2) mc /= 2
  return { mc, nc, kc, tilesM: Math.ceil(m / mc), tilesN: Math.ceil(n / nc) }
}

/**
 * Makes the WASM SIMD GEMM provider and waits until its workers are started.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeWasmGemm = async (options: WasmGemmOptions = {}): Promise<WasmGemmProvider> => {
  const spawner = loadSpawner()
  const made = createWasmGemm(options, spawner)
  await made.started
  return made.provider
}

/**
 * Makes the WASM SIMD GEMM provider synchronously (the module is under the 4 KiB that
 * browsers allow to compile on the main thread). Workers start in the background and join
 * calls once they are up; until then calls run on the calling thread. Tiles are claimed
 * dynamically, so a call is correct whichever threads take part.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeWasmGemmSync = (options: WasmGemmOptions = {}): WasmGemmProvider => {
  const made = createWasmGemm(options, undefined)
  // Workers that fail to start leave the calling thread doing every tile.
  made.started.catch(() => undefined)
  return made.provider
}

const createWasmGemm = (
  options: WasmGemmOptions,
  spawnerPromise: Promise<SpawnGemmWorker> | undefined
): { readonly provider: WasmGemmProvider; readonly started: Promise<void> } => {
  const { mr, nr } = MICRO_TILE
  const hardware = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1
  const requested = Math.max(1, Math.min(MAX_THREADS, Math.floor(options.threads ?? Math.min(8, hardware))))
  const sharedMemory = requested > 1 && typeof SharedArrayBuffer !== "undefined" && canBlockHere()
    ? makeMemory(true)
    : undefined
  const memory = sharedMemory ?? makeMemory(false)
  if (memory === undefined) throw new Error("makeWasmGemm: this host cannot create a WebAssembly.Memory")
  const shared = sharedMemory !== undefined
  const threads = shared ? requested : 1
  const relaxedKey = shared ? "sharedRelaxed" : "unsharedRelaxed"
  const relaxedBytes = decode(gemmModuleBase64[relaxedKey])
  const fma = (options.fma ?? true) && WebAssembly.validate(relaxedBytes)
  const bytes = fma ? relaxedBytes : decode(gemmModuleBase64[shared ? "shared" : "unshared"])
  const module = new WebAssembly.Module(bytes)
  const instance = new WebAssembly.Instance(module, { env: { memory } })
  const exports = instance.exports as unknown as GemmExports
  const minThreadedFlops = options.minThreadedFlops ?? 4e6
  const policy = (options.adaptive ?? true) ? makeThreadingPolicy() : undefined

  let ctx = makeTileContext(memory.buffer, exports)
  let heap = new Float32Array(memory.buffer)
  const refreshViews = (): void => {
    // A non-shared memory's buffer is detached by `grow`; a shared one keeps the old
    // buffer at its old length. Either way, new views see the new size.
    if (heap.buffer !== memory.buffer) {
      heap = new Float32Array(memory.buffer)
      if (!shared) ctx = makeTileContext(memory.buffer, exports)
    }
  }
  const ensureBytes = (bytes: number): void => {
    const have = memory.buffer.byteLength
    if (bytes <= have) return
    const pages = Math.ceil((bytes - have) / 65536)
    if (have / 65536 + pages > MEMORY_PAGES.max) {
      throw new RangeError(`wasm sgemm: the call needs ${bytes} bytes of working memory, above the module's 2 GiB`)
    }
    memory.grow(pages)
    refreshViews()
  }

  const workers: Array<GemmWorkerHandle> = []
  let closed = false
  const started = threads > 1
    ? (spawnerPromise ?? loadSpawner()).then((spawn) => {
      for (let t = 1; t < threads && !closed; t++) workers.push(spawn({ module, memory, thread: t }))
    })
    : Promise.resolve()

  Atomics.store(ctx.i64, WORK64, -1n)
  let callId = 0
  let generation = 0

  const sgemm = (call: SgemmCall): void => {
    if (closed) throw new Error("wasm sgemm: the provider is closed")
    checkSgemm(call)
    const { m, n, k, batch, transA, transB } = call
    if (m === 0 || n === 0 || batch === 0) return
    if (k === 0 || call.alpha === 0) return scaleC(call)

    const flops = 2 * m * n * k * batch
    const eligible = threads > 1 && flops >= minThreadedFlops
    const useThreads = eligible && (policy?.next(flops) ?? true) ? threads : 1
    const callStart = performance.now()
    const block = blocking(m, n, k, batch, useThreads)
    const total = batch * block.tilesM * block.tilesN
    const active = Math.min(useThreads, total)

    const aRows = transA ? k : m
    const aCols = transA ? m : k
    const bRows = transB ? n : k
    const bCols = transB ? k : n
    const aPlan = planStage(aRows, aCols, call.lda, call.strideA, batch)
    const bPlan = planStage(bRows, bCols, call.ldb, call.strideB, batch)

    const packBBytes = roundUp(4 * k * roundUp(Math.min(block.nc, n), nr), 64)
    const packABytes = roundUp(4 * roundUp(Math.min(block.mc, m), mr) * Math.min(block.kc, k), 64)
    const areaBytes = packBBytes + packABytes + roundUp(4 * mr * nr, 64)
    const aPtr = DATA_BYTE + active * areaBytes
    const bPtr = aPtr + roundUp(4 * aPlan.elements, 64)
    const cPtr = bPtr + roundUp(4 * bPlan.elements, 64)
    ensureBytes(cPtr + 4 * batch * m * n)

    stageIn(aPlan, call.a, call.aOffset, aRows, aCols, call.lda, call.strideA, batch, heap, aPtr / 4)
    stageIn(bPlan, call.b, call.bOffset, bRows, bCols, call.ldb, call.strideB, batch, heap, bPtr / 4)
    if (call.beta !== 0) stageInCompact(call.c, call.cOffset, m, n, call.ldc, call.strideC, batch, heap, cPtr / 4)

    const { i32, f32 } = ctx
    callId = (callId + 1) | 0
    const params: Array<[number, number]> = [
      [Param.callId, callId],
      [Param.batch, batch],
      [Param.m, m],
      [Param.n, n],
      [Param.k, k],
      [Param.transA, transA ? 1 : 0],
      [Param.transB, transB ? 1 : 0],
      [Param.aPtr, aPtr],
      [Param.lda, aPlan.ld],
      [Param.strideA, aPlan.stride],
      [Param.bPtr, bPtr],
      [Param.ldb, bPlan.ld],
      [Param.strideB, bPlan.stride],
      [Param.cPtr, cPtr],
      [Param.ldc, n],
      [Param.strideC, m * n],
      [Param.mc, block.mc],
      [Param.nc, block.nc],
      [Param.kc, block.kc],
      [Param.tilesM, block.tilesM],
      [Param.tilesN, block.tilesN],
      [Param.areaPtr, DATA_BYTE],
      [Param.areaBytes, areaBytes],
      [Param.total, total],
      [Param.packABytes, packABytes],
      [Param.packBBytes, packBBytes]
    ]
    for (const [field, value] of params) i32[PARAMS + field] = value
    f32[PARAMS + Param.alpha] = call.alpha
    f32[PARAMS + Param.beta] = call.beta

    if (active === 1) {
      for (let tile = 0; tile < total; tile++) runTile(ctx, tile, 0)
      ctx.i32[TILE_COUNTS]! += total
    } else {
      generation = (generation + 1) & 0x7fffffff
      Atomics.store(i32, DONE, 0)
      Atomics.store(ctx.i64, WORK64, BigInt(generation) << 32n)
      Atomics.store(i32, GEN, generation)
      Atomics.notify(i32, GEN, active - 1)
      drainTiles(ctx, 0, generation)
      for (let done = Atomics.load(i32, DONE); done < total; done = Atomics.load(i32, DONE)) {
        Atomics.wait(i32, DONE, done)
      }
      // Close the generation: a worker that wakes late finds no work word to claim, even
      // if a later in-thread call has rewritten the parameters.
      Atomics.store(ctx.i64, WORK64, -1n)
    }
    stageOut(heap, cPtr / 4, call.c, call.cOffset, m, n, call.ldc, call.strideC, batch)
    if (eligible) policy?.record(flops, useThreads > 1, performance.now() - callStart)
  }

  const close = (): void => {
    if (closed) return
    closed = true
    if (shared) {
      Atomics.store(ctx.i32, QUIT, 1)
      Atomics.add(ctx.i32, GEN, 1)
      Atomics.notify(ctx.i32, GEN)
    }
    for (const w of workers) w.terminate()
  }

  const name = `wasm-simd${fma ? " (relaxed fma)" : ""}, ${threads} thread${threads === 1 ? "" : "s"}`
  const tilesByThread = (): ReadonlyArray<number> =>
    Array.from({ length: threads }, (_, t) => Atomics.load(ctx.i32, TILE_COUNTS + t))
  const soloCalls = (): number => policy?.soloCalls() ?? 0
  return { provider: { name, sgemm, close, tilesByThread, soloCalls }, started }
}
