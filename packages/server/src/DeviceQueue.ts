/**
 * The device is single-owner: generation, scoring and weight swaps run one at a time, in
 * arrival order, and concurrent generate requests for the same model that arrive within a
 * short window are merged into one `generate` call (one KV-cache session, shared decode
 * steps), which is where a server's throughput comes from.
 *
 * @since 0.0.0
 */
import type { GenerationRequest, GenerationResult } from "@sapphire-rl/engine"

/**
 * How requests are grouped.
 *
 * @since 0.0.0
 * @category models
 */
export interface DeviceQueueOptions {
  /** How long the first request of a batch waits for others (ms). */
  readonly batchWindowMs: number
  /** At most this many rows (prompts × n) per generate call. */
  readonly maxBatchRows: number
  /** Runs one merged batch for a model on the device. */
  readonly generate: (model: string, requests: ReadonlyArray<GenerationRequest>) => Promise<Array<GenerationResult>>
}

interface Pending {
  readonly model: string
  readonly requests: ReadonlyArray<GenerationRequest>
  readonly rows: number
  readonly resolve: (r: Array<GenerationResult>) => void
  readonly reject: (e: unknown) => void
}

/**
 * The queue in front of the device.
 *
 * @since 0.0.0
 * @category models
 */
export interface DeviceQueue {
  /** Generation, merged with other requests for the same model. */
  readonly generate: (model: string, requests: ReadonlyArray<GenerationRequest>) => Promise<Array<GenerationResult>>
  /** Any other device work (scoring, loading weights), run alone in turn. */
  readonly exclusive: <A>(work: () => Promise<A>) => Promise<A>
  /** Generate calls made so far and rows they carried (for tests and metrics). */
  readonly stats: { batches: number; rows: number }
}

const rowsOf = (requests: ReadonlyArray<GenerationRequest>) => requests.reduce((s, r) => s + (r.params.n ?? 1), 0)

/**
 * Makes the queue.
 *
 * @since 0.0.0
 * @category constructors
 */
export const makeDeviceQueue = (options: DeviceQueueOptions): DeviceQueue => {
  const pending: Array<Pending> = []
  const exclusiveWork: Array<() => Promise<void>> = []
  const stats = { batches: 0, rows: 0 }
  let running = false
  let windowOpen = false

  // Takes the oldest pending request's model and every request for it that fits.
  const takeBatch = (): Array<Pending> => {
    const model = pending[0]!.model
    const batch: Array<Pending> = []
    let rows = 0
    for (let i = 0; i < pending.length;) {
      const p = pending[i]!
      if (p.model === model && (batch.length === 0 || rows + p.rows <= options.maxBatchRows)) {
        batch.push(p)
        rows += p.rows
        pending.splice(i, 1)
      } else i++
    }
    return batch
  }

  const runBatch = async (batch: Array<Pending>) => {
    const requests = batch.flatMap((p) => p.requests)
    stats.batches++
    stats.rows += rowsOf(requests)
    try {
      const results = await options.generate(batch[0]!.model, requests)
      let at = 0
      for (const p of batch) {
        p.resolve(results.slice(at, at + p.requests.length))
        at += p.requests.length
      }
    } catch (e) {
      for (const p of batch) p.reject(e)
    }
  }

  const drain = async () => {
    if (running) return
    running = true
    try {
      for (;;) {
        const work = exclusiveWork.shift()
        if (work !== undefined) await work()
        else if (pending.length > 0) await runBatch(takeBatch())
        else break
      }
    } finally {
      running = false
    }
  }

  const kick = () => {
    if (windowOpen || running) return
    windowOpen = true
    setTimeout(() => {
      windowOpen = false
      void drain()
    }, options.batchWindowMs)
  }

  return {
    stats,
    generate: (model, requests) =>
      new Promise((resolve, reject) => {
        pending.push({ model, requests, rows: rowsOf(requests), resolve, reject })
        kick()
      }),
    exclusive: <A>(work: () => Promise<A>) =>
      new Promise<A>((resolve, reject) => {
        exclusiveWork.push(() => work().then(resolve, reject))
        if (!running) void drain()
      })
  }
}
