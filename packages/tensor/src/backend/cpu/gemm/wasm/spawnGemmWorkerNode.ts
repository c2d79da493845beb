/**
 * Starts GEMM workers with Node's `worker_threads`, unreferenced so an idle pool never
 * keeps the process alive.
 *
 * @since 0.2.0
 */
import { Worker } from "node:worker_threads"
import type { SpawnGemmWorker } from "./GemmWorkers.ts"

/** @since 0.2.0 */
export const spawnGemmWorker: SpawnGemmWorker = (init) => {
  const worker = new Worker(new URL("./gemmWorkerNode.ts", import.meta.url))
  worker.unref()
  worker.postMessage(init)
  return { terminate: () => void worker.terminate() }
}
