/**
 * The body of a GEMM worker: instantiate the module on the shared memory, then sleep on
 * the generation word and help with each call until told to quit. Portable: the Node and
 * web worker entry files only differ in how they receive this first message.
 *
 * @since 0.2.0
 */
import { GEN, QUIT } from "./gemmLayout.ts"
import { drainTiles, type GemmExports, makeTileContext } from "./runTile.ts"

/**
 * The one message a worker receives.
 *
 * @since 0.2.0
 * @category models
 */
export interface GemmWorkerInit {
  readonly module: WebAssembly.Module
  readonly memory: WebAssembly.Memory
  /** This worker's thread index (1 …; 0 is the calling thread). */
  readonly thread: number
}

/** @since 0.2.0 */
export const gemmWorkerLoop = (init: GemmWorkerInit): void => {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } })
  const ctx = makeTileContext(init.memory.buffer, instance.exports as unknown as GemmExports)
  let seen = 0
  for (;;) {
    Atomics.wait(ctx.i32, GEN, seen)
    seen = Atomics.load(ctx.i32, GEN)
    if (Atomics.load(ctx.i32, QUIT) !== 0) return
    drainTiles(ctx, init.thread, seen)
  }
}
