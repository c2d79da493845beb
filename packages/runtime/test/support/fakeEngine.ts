/**
 * An Engine that answers from a script, with a delay, logging when each call starts and
 * ends: enough to check what the stream does and in which order.
 */
import { type Completion, Engine, type GenerationRequest } from "@sapphire-rl/engine"
import { Effect, Layer } from "effect"

export interface EngineCall {
  readonly prompts: ReadonlyArray<ReadonlyArray<number>>
  readonly temperatures: ReadonlyArray<number | undefined>
  readonly seeds: ReadonlyArray<number | undefined>
}

/** `answer(prompt, sample, attempt)` is the completion text; calls take `delayMs`. */
export const fakeEngine = (
  answer: (prompt: ReadonlyArray<number>, sample: number, call: number) => string,
  events: Array<string>,
  calls: Array<EngineCall> = [],
  delayMs = 15
): Layer.Layer<Engine> =>
  Layer.succeed(Engine, {
    generate: (requests: ReadonlyArray<GenerationRequest>) =>
      Effect.gen(function*() {
        const call = calls.length
        calls.push({
          prompts: requests.map((r) => r.prompt),
          temperatures: requests.map((r) => r.params.temperature),
          seeds: requests.map((r) => r.params.seed)
        })
        events.push(`generate ${requests.map((r) => r.prompt[0]).join(",")} start`)
        yield* Effect.sleep(delayMs)
        events.push(`generate ${requests.map((r) => r.prompt[0]).join(",")} end`)
        return requests.map((r) => ({
          seed: r.params.seed ?? 0,
          completions: Array.from({ length: r.params.n ?? 1 }, (_, s): Completion => {
            const text = answer(r.prompt, s, call)
            return { ids: Array.from(text, (c) => c.charCodeAt(0)), text, logprobs: [], finishReason: "stop" }
          })
        }))
      }),
    score: () => Effect.succeed([])
  })
