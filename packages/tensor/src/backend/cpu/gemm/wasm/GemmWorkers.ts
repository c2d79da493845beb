/**
 * How the provider starts and stops its workers, whatever the host's worker API.
 *
 * @since 0.2.0
 */
import type { GemmWorkerInit } from "./gemmWorkerLoop.ts"

/**
 * A started worker: `terminate` ends it (after the quit word has been set).
 *
 * @since 0.2.0
 * @category models
 */
export interface GemmWorkerHandle {
  readonly terminate: () => void
}

/**
 * Starts one worker and sends it `init`.
 *
 * @since 0.2.0
 * @category models
 */
export type SpawnGemmWorker = (init: GemmWorkerInit) => GemmWorkerHandle
