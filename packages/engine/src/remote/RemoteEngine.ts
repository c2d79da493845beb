/**
 * The engine service over a fleet of OpenAI-compatible servers (vLLM, SGLang,
 * `sapphire-serve`): each generation request (one prompt, its `n` samples: one GRPO group)
 * is one completions call, spread over the servers by the fleet dispatcher. Requests
 * without a seed get one here, so a request re-sent to another server samples the same
 * completions, and results carry the policy version they were sampled with.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { Engine, EngineError } from "../Engine.ts"
import type { EngineShape } from "../Engine.ts"
import type { GenerationResult } from "../Generate.ts"
import { randomSeed } from "../Rng.ts"
import { completionsBody, parseCompletionsResponse, parseScoreResponse, scoreBody } from "./CompletionsWire.ts"
import type { FleetDispatcher, FleetOptions, ServerMetrics } from "./FleetDispatcher.ts"
import { makeFleetDispatcher } from "./FleetDispatcher.ts"

/**
 * Which model name the servers sample from, and its version (counted by policy syncs).
 *
 * @since 0.1.0
 * @category models
 */
export interface Policy {
  /** The served model or LoRA adapter name; undefined: the server's default model. */
  readonly model: string | undefined
  readonly version: number
}

/**
 * Options of the remote engine.
 *
 * @since 0.1.0
 * @category models
 */
export interface RemoteEngineOptions extends FleetOptions {
  /** The policy to start with. Default: the servers' base model, version 0. */
  readonly policy?: Policy
}

/**
 * A remote engine: the service plus the fleet controls the trainer's policy sync needs.
 *
 * @since 0.1.0
 * @category models
 */
export interface RemoteEngine extends EngineShape {
  readonly policy: () => Policy
  /** Samples from `policy` from now on (requests already sent finish on the old one). */
  readonly setPolicy: (policy: Policy) => void
  readonly metrics: () => Array<ServerMetrics>
  readonly fleet: FleetDispatcher
}

const failure = (operation: "generate" | "score") => (cause: unknown) =>
  new EngineError({ operation, message: cause instanceof Error ? cause.message : String(cause), cause })

/**
 * Makes a remote engine.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRemoteEngine = (options: RemoteEngineOptions): RemoteEngine => {
  const fleet = makeFleetDispatcher(options)
  let policy: Policy = options.policy ?? { model: undefined, version: 0 }
  return {
    fleet,
    policy: () => policy,
    setPolicy: (p) => {
      policy = p
    },
    metrics: fleet.metrics,
    generate: (requests) =>
      Effect.tryPromise({
        try: () => {
          const current = policy
          return fleet.run(
            requests.map((r, i) => {
              if (r.prompt.length === 0) throw new RangeError(`request ${i}: empty prompt`)
              const seed = r.params.seed ?? randomSeed()
              const n = r.params.n ?? 1
              return {
                path: "/v1/completions",
                body: completionsBody(r, seed, current.model),
                parse: (json: unknown): GenerationResult => ({ ...parseCompletionsResponse(json, n, seed), policyVersion: current.version }),
                tokens: (g: GenerationResult) => g.completions.reduce((s, c) => s + c.ids.length, 0)
              }
            })
          )
        },
        catch: failure("generate")
      }),
    score: (requests) =>
      Effect.tryPromise({
        try: async () => {
          const current = policy
          const scored = requests.map((r, i) => ({ r, i })).filter(({ r }) => r.completion.length > 0)
          const out = await fleet.run(
            scored.map(({ r }) => {
              const sequence = [...r.prompt, ...r.completion]
              return {
                path: "/v1/completions",
                body: scoreBody(sequence, current.model),
                parse: (json: unknown) => parseScoreResponse(json, sequence.length, r.completion.length),
                tokens: () => 0
              }
            })
          )
          const results: Array<Float32Array> = requests.map(() => new Float32Array(0))
          scored.forEach(({ i }, k) => (results[i] = out[k]!))
          return results
        },
        catch: failure("score")
      })
  }
}

/**
 * A layer providing the engine service over a fleet.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerRemote = (options: RemoteEngineOptions): Layer.Layer<Engine, EngineError> =>
  Layer.effect(
    Engine,
    Effect.try({ try: () => makeRemoteEngine(options), catch: failure("generate") })
  )
