/**
 * Entry file of a GEMM worker as a web `Worker` (Deno, browsers).
 *
 * @since 0.2.0
 */
import { gemmWorkerLoop, type GemmWorkerInit } from "./gemmWorkerLoop.ts"

const scope = globalThis as unknown as {
  onmessage: ((event: { readonly data: GemmWorkerInit }) => void) | null
  close?: () => void
}
scope.onmessage = (event) => {
  scope.onmessage = null
  gemmWorkerLoop(event.data)
  scope.close?.()
}
