/**
 * The remote engine with its policy sync (Node: adapters and weights are written to a
 * directory every server can read, then loaded by path).
 *
 * @since 0.1.0
 */
import { rm } from "node:fs/promises"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { Engine, EngineError } from "../Engine.ts"
import { PolicySync } from "../remote/PolicySync.ts"
import type { RemoteEngineOptions } from "../remote/RemoteEngine.ts"
import { makeRemoteEngine } from "../remote/RemoteEngine.ts"
import { pushFullWeightsNode, pushLoraNode } from "./policySyncNode.ts"

const failure = (cause: unknown) =>
  new EngineError({ operation: "generate", message: `policy sync: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

/**
 * `Engine` over the fleet and `PolicySync` writing under `policyDir` (older versions'
 * directories are deleted once the servers have the new one; the last two are kept).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerRemoteNode = (options: RemoteEngineOptions & { readonly policyDir: string }): Layer.Layer<Engine | PolicySync, EngineError> =>
  Layer.unwrap(
    Effect.try({ try: () => makeRemoteEngine(options), catch: failure }).pipe(
      Effect.map((engine) => {
        const written: Array<string> = []
        return Layer.mergeAll(
          Layer.succeed(Engine, engine),
          Layer.succeed(PolicySync, {
            push: (model, version, pushOptions) =>
              Effect.tryPromise({
                try: async () => {
                  if (pushOptions?.initial === true || model.lora === null) written.push(await pushFullWeightsNode(engine, model, options.policyDir, version))
                  if (model.lora !== null) written.push(await pushLoraNode(engine, model, options.policyDir, version))
                  while (written.length > 2) await rm(written.shift()!, { recursive: true, force: true })
                },
                catch: failure
              })
          })
        )
      })
    )
  )
