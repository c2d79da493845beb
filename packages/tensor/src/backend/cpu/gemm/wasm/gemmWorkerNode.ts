/**
 * Entry file of a GEMM worker under Node's `worker_threads`.
 *
 * @since 0.2.0
 */
import { parentPort } from "node:worker_threads"
import { gemmWorkerLoop, type GemmWorkerInit } from "./gemmWorkerLoop.ts"

parentPort?.once("message", (init: GemmWorkerInit) => {
  gemmWorkerLoop(init)
  process.exit(0)
})
