/**
 * Starts GEMM workers as web module `Worker`s (Deno, browsers).
 *
 * @since 0.2.0
 */
import type { SpawnGemmWorker } from "./GemmWorkers.ts"

/** @since 0.2.0 */
export const spawnGemmWorker: SpawnGemmWorker = (init) => {
  const worker = new Worker(new URL("./gemmWorkerWeb.ts", import.meta.url), { type: "module" })
  worker.postMessage(init)
  return { terminate: () => worker.terminate() }
}
