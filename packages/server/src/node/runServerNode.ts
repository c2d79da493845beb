/**
 * Everything `sapphire-serve` (and `sapphire-model serve`) does after parsing arguments:
 * open the backend and the model, build the device queue, listen, and stop cleanly on
 * SIGINT / SIGTERM.
 *
 * @since 0.0.0
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { generate } from "@sapphire-rl/engine"
import type { GenerationRequest, GenerationResult } from "@sapphire-rl/engine"
import type { BackendName } from "@sapphire-rl/model"
import { openBackend } from "@sapphire-rl/model"
import { loadTokenizerNode } from "@sapphire-rl/model/node"
import { Effect } from "effect"
import { makeDeviceQueue } from "../DeviceQueue.ts"
import type { HandlerContext } from "../CompletionsHandler.ts"
import { openModelStoreNode } from "./modelStoreNode.ts"
import { serveNode } from "./serveNode.ts"

/**
 * Server settings (the CLI's flags).
 *
 * @since 0.0.0
 * @category models
 */
export interface ServerSettings {
  readonly modelDir: string
  readonly servedModelName: string
  readonly host: string
  readonly port: number
  readonly backend: BackendName
  readonly f16: boolean
  readonly batchWindowMs: number
  readonly maxBatchRows: number
  readonly maxModelLen: number | undefined
  readonly maxN: number
  readonly maxPrompts: number
  /**
   * Sleeps this long per decode step of every batch after generating (ms): servers that
   * behave like slow accelerators, for fleet throughput tests on one CPU.
   */
  readonly simulateTokenLatencyMs: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Runs the server until a signal arrives; `onListening` gets the URL.
 *
 * @since 0.0.0
 * @category running
 */
export const runServerNode = async (s: ServerSettings, onListening: (url: string) => void): Promise<void> => {
  if (!existsSync(join(s.modelDir, "tokenizer.json"))) throw new Error(`${s.modelDir}: no tokenizer.json (the server encodes and decodes text)`)
  const opened = await openBackend(s.backend)
  const store = await openModelStoreNode({ dir: s.modelDir, servedName: s.servedModelName, backend: opened.backend, weightDtype: s.f16 ? "f16" : "f32" })
  const tokenizer = await loadTokenizerNode(s.modelDir)
  const runBatch = async (model: string, requests: ReadonlyArray<GenerationRequest>): Promise<Array<GenerationResult>> => {
    const served = store.get(model)
    if (served === undefined) throw new Error(`model ${model} was unloaded`)
    const results = await generate(served.model, tokenizer, requests)
    if (s.simulateTokenLatencyMs > 0) {
      const steps = Math.max(0, ...results.flatMap((r) => r.completions.map((c) => c.ids.length)))
      await sleep(steps * s.simulateTokenLatencyMs)
    }
    return results
  }
  const ctx: HandlerContext = {
    store,
    tokenizer: { encode: (text) => tokenizer.encode(text, { addSpecialTokens: false }), decode: tokenizer.decode },
    queue: makeDeviceQueue({ batchWindowMs: s.batchWindowMs, maxBatchRows: s.maxBatchRows, generate: runBatch }),
    // Read per request: /update_weights_from_disk may bring another config (a run publishes its own model).
    limits: {
      get maxModelLen() {
        return s.maxModelLen ?? store.config.maxPositionEmbeddings
      },
      get vocabSize() {
        return store.config.vocabSize
      },
      maxN: s.maxN,
      maxPrompts: s.maxPrompts
    }
  }
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function*() {
        const listening = yield* serveNode(ctx, s.host, s.port)
        onListening(listening.url)
        yield* Effect.callback<void>((resume) => {
          const stop = () => resume(Effect.void)
          process.once("SIGINT", stop)
          process.once("SIGTERM", stop)
        })
      })
    )
  )
  await opened.close()
}
