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
  // Sources run as .ts; a published build (tsc) has .js files, and a URL is not rewritten.
  const entry = import.meta.url.endsWith(".ts")
    ? new URL("./gemmWorkerNode.ts", import.meta.url)
    : new URL("./gemmWorkerNode.js", import.meta.url)
  const worker = new Worker(entry)
  worker.unref()
  // A worker that fails to start must not take the process down: calls stay correct on the
  // threads that remain (tiles are claimed, never assigned), only slower, so say so once.
  worker.once("error", (e) => console.warn(`wasm gemm: worker ${init.thread} failed (${e.message}); calls continue without it`))
  worker.postMessage(init)
  return { terminate: () => void worker.terminate() }
}
