/**
 * Starts GEMM workers as web module `Worker`s (Deno, browsers).
 *
 * @since 0.2.0
 */
import type { SpawnGemmWorker } from "./GemmWorkers.ts"

/** @since 0.2.0 */
export const spawnGemmWorker: SpawnGemmWorker = (init) => {
  // Sources run as .ts; a published build (tsc) has .js files, and a URL is not rewritten.
  // Both are literal `new URL(…, import.meta.url)` so bundlers can find the entry.
  const entry = import.meta.url.endsWith(".ts")
    ? new URL("./gemmWorkerWeb.ts", import.meta.url)
    : new URL("./gemmWorkerWeb.js", import.meta.url)
  const worker = new Worker(entry, { type: "module" })
  // Calls stay correct without a worker (tiles are claimed, never assigned), only slower.
  worker.onerror = (e) => {
    e.preventDefault()
    console.warn(`wasm gemm: worker ${init.thread} failed (${e.message}); calls continue without it`)
  }
  worker.postMessage(init)
  return { terminate: () => worker.terminate() }
}
