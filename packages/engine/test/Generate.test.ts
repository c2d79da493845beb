import { describe, expect, it } from "vitest"
import { Effect } from "effect"
import { DeviceLost } from "@sapphire-rl/tensor"
import { Engine, EngineError, generate, isDeviceLost, layerLocal, scoreCompletions } from "../src/index.ts"
import { letterTokenizer, toyModel } from "./support/ToyModel.ts"

const V = 30
const EOS = 29

describe("generate (toy model)", () => {
  it("reproduces samples for a fixed seed and differs across seeds", async () => {
    const { model } = toyModel(V, [EOS])
    const req = { prompt: [1, 2, 3], params: { maxNewTokens: 12, seed: 42, n: 3, temperature: 1.2 } }
    const a = await generate(model, letterTokenizer([EOS]), [req])
    const b = await generate(model, letterTokenizer([EOS]), [req])
    expect(b).toEqual(a)
    const c = await generate(model, letterTokenizer([EOS]), [{ ...req, params: { ...req.params, seed: 43 } }])
    expect(c[0]!.completions.map((x) => x.ids)).not.toEqual(a[0]!.completions.map((x) => x.ids))
    // The n samples of one request use distinct streams.
    const ids = a[0]!.completions.map((x) => x.ids.join(","))
    expect(new Set(ids).size).toBe(3)
  })

  it("gives the same completions batched with ragged prompts as one by one, with one prefill per prompt", async () => {
    const requests = [
      { prompt: [5], params: { maxNewTokens: 9, seed: 1, n: 2 } },
      { prompt: [3, 1, 4, 1, 5, 9, 2, 6], params: { maxNewTokens: 4, seed: 2, topK: 5 } },
      { prompt: [2, 7], params: { maxNewTokens: 15, seed: 3, n: 3, topP: 0.7, stop: ["qq"] } },
      { prompt: [8, 8, 8], params: { maxNewTokens: 6, temperature: 0 } }
    ]
    const { model, stats } = toyModel(V, [EOS])
    const batched = await generate(model, letterTokenizer([EOS]), requests)
    expect(stats.prefills).toBe(4)
    for (let i = 0; i < requests.length; i++) {
      const alone = await generate(toyModel(V, [EOS]).model, letterTokenizer([EOS]), [requests[i]!])
      expect(alone[0]!.completions).toEqual(batched[i]!.completions)
    }
    const chunked = await generate(toyModel(V, [EOS]).model, letterTokenizer([EOS]), requests, { maxRows: 3 })
    expect(chunked.map((r) => r.completions)).toEqual(batched.map((r) => r.completions))
  })

  it("greedy decoding follows the argmax of the model", async () => {
    const { model, logitsAfter } = toyModel(V)
    const [r] = await generate(model, letterTokenizer(), [{ prompt: [4, 4], params: { maxNewTokens: 6, temperature: 0 } }])
    const seq = [4, 4]
    for (const id of r!.completions[0]!.ids) {
      const l = logitsAfter(seq)
      expect(id).toBe(l.indexOf(Math.max(...l)))
      seq.push(id)
    }
    expect(r!.completions[0]!.finishReason).toBe("length")
  })

  it("ends on EOS (kept in ids, not in text), stop tokens and stop strings", async () => {
    const { model } = toyModel(V, [EOS])
    const params = { maxNewTokens: 40, seed: 9, n: 16, temperature: 3 }
    const [withEos] = await generate(model, letterTokenizer([EOS]), [{ prompt: [0], params }])
    const stopped = withEos!.completions.filter((c) => c.finishReason === "stop")
    expect(stopped.length).toBeGreaterThan(0)
    for (const c of stopped) {
      expect(c.ids.at(-1)).toBe(EOS)
      expect(c.ids.slice(0, -1)).not.toContain(EOS)
      expect(c.text).toBe(letterTokenizer([EOS]).decode(c.ids, { skipSpecialTokens: true }))
    }
    for (const c of withEos!.completions.filter((c) => c.finishReason === "length")) expect(c.ids).toHaveLength(40)

    const [ignored] = await generate(model, letterTokenizer([EOS]), [{ prompt: [0], params: { ...params, ignoreEos: true } }])
    for (const c of ignored!.completions) expect(c.ids).toHaveLength(40)

    // Stop string: pick a 2-letter string that the unconstrained sample contains.
    const free = ignored!.completions[0]!
    const text = letterTokenizer().decode(free.ids)
    const stop = text.slice(10, 12)
    const [cut] = await generate(model, letterTokenizer(), [{ prompt: [0], params: { ...params, n: 1, ignoreEos: true, stop: [stop] } }])
    const c = cut!.completions[0]!
    const first = text.indexOf(stop)
    expect(c.finishReason).toBe("stop")
    expect(c.text).toBe(text.slice(0, first))
    // Ids run through the token that completed the stop string.
    expect(c.ids).toEqual(free.ids.slice(0, first + 2))

    const [stopToken] = await generate(model, letterTokenizer(), [{ prompt: [0], params: { ...params, n: 1, ignoreEos: true, stopTokenIds: [free.ids[5]!] } }])
    expect(stopToken!.completions[0]!.ids.at(-1)).toBe(free.ids[5])
    expect(stopToken!.completions[0]!.finishReason).toBe("stop")
  })

  it("reports log-probs equal to the scoring pass", async () => {
    const { model } = toyModel(V, [EOS])
    const prompt = [3, 9, 27]
    const [r] = await generate(model, letterTokenizer([EOS]), [{ prompt, params: { maxNewTokens: 10, n: 4, seed: 5, topP: 0.9 } }])
    const scores = await scoreCompletions(model, r!.completions.map((c) => ({ prompt, completion: c.ids })))
    r!.completions.forEach((c, i) => c.logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(scores[i]![t]!, 5)))
  })

  it("rejects an empty prompt by its index in the call, before generating anything", async () => {
    const { model, stats } = toyModel(V, [EOS])
    const ok = { prompt: [1], params: { maxNewTokens: 3, seed: 1 } }
    // maxRows 1: one session per request, the empty one last.
    await expect(generate(model, letterTokenizer(), [ok, ok, { prompt: [], params: { maxNewTokens: 3 } }], { maxRows: 1 }))
      .rejects.toThrow(/request 2: empty prompt/)
    expect(stats.prefills).toBe(0)
  })

  it("handles maxNewTokens 0", async () => {
    const { model } = toyModel(V, [EOS])
    const [r] = await generate(model, letterTokenizer(), [{ prompt: [1], params: { maxNewTokens: 0 } }])
    expect(r!.completions[0]).toEqual({ ids: [], text: "", logprobs: [], finishReason: "length" })
  })
})

describe("Engine service", () => {
  it("serves generate and score through a layer, failures as EngineError", async () => {
    const { model } = toyModel(V, [EOS])
    const program = Effect.gen(function*() {
      const engine = yield* Engine
      const [r] = yield* engine.generate([{ prompt: [1, 2], params: { maxNewTokens: 5, seed: 3 } }])
      const [s] = yield* engine.score([{ prompt: [1, 2], completion: r!.completions[0]!.ids }])
      const bad = yield* Effect.flip(engine.generate([{ prompt: [], params: { maxNewTokens: 1 } }]))
      return { r: r!, s: s!, bad }
    })
    const out = await Effect.runPromise(program.pipe(Effect.provide(layerLocal(model, letterTokenizer([EOS])))))
    out.r.completions[0]!.logprobs.forEach((lp, t) => expect(lp).toBeCloseTo(out.s[t]!, 5))
    expect(out.bad).toBeInstanceOf(EngineError)
    expect(out.bad.message).toMatch(/empty prompt/)
    // The cause is kept as thrown, not flattened into the message.
    expect(out.bad.cause).toBeInstanceOf(Error)
    expect(isDeviceLost(out.bad)).toBe(false)
  })
})

describe("Engine errors keep their cause", () => {
  it("a lost device during generation is an EngineError whose cause is the tensor package's DeviceLost", async () => {
    const { model } = toyModel(V, [EOS])
    const lost = new DeviceLost({ message: "adapter removed" })
    const broken = { ...model, openSession: () => { throw lost } }
    const error = await Effect.runPromise(
      Effect.flip(Effect.gen(function*() {
        const engine = yield* Engine
        return yield* engine.generate([{ prompt: [1], params: { maxNewTokens: 2 } }])
      })).pipe(
        Effect.provide(layerLocal(broken, letterTokenizer([EOS])))
      )
    )
    expect(error.cause).toBe(lost)
    expect(isDeviceLost(error)).toBe(true)
    expect(error.message).toBe("adapter removed")
  })
})
