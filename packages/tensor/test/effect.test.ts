import { Effect, Logger } from "effect"
import { describe, expect, it } from "vitest"
import * as T from "../src/index.ts"

describe("TensorBackend layers", () => {
  it("layerCpu provides a CPU backend, installs it as the default, and disposes it on release", async () => {
    const outside = T.getDefaultBackend()
    const seen = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function*() {
          const backend = yield* T.TensorBackend
          expect(backend.info.name).toBe("cpu")
          expect(T.getDefaultBackend()).toBe(backend)
          const t = T.ones([4])
          expect(t.backend).toBe(backend)
          const s = yield* Effect.promise(() => T.sum(t).item())
          return { backend, s }
        }).pipe(Effect.provide(T.layerCpu))
      )
    )
    expect(seen.s).toBe(4)
    expect(T.getDefaultBackend()).toBe(outside)
    expect(() => seen.backend.allocate(4)).toThrow(T.InvalidKernelCall)
  })

  it("layerAuto falls back to the CPU when WebGPU offers no adapter", async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU
    const name = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function*() {
          return (yield* T.TensorBackend).info.name
        }).pipe(Effect.provide(T.layerAuto({ gpu: noAdapter })))
      )
    )
    expect(name).toBe("cpu")
  })

  it("layerAuto falls back to the CPU, and warns with the cause, when the adapter's device fails", async () => {
    const badDevice = {
      requestAdapter: async () => ({
        features: new Set<string>(),
        limits: {},
        requestDevice: async () => {
          throw new Error("device creation refused")
        }
      })
    } as unknown as GPU
    const logs: Array<string> = []
    const capture = Logger.layer([Logger.make((o) => logs.push(`${o.logLevel}: ${String(o.message)}`))])
    const name = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function*() {
          return (yield* T.TensorBackend).info.name
        }).pipe(Effect.provide(T.layerAuto({ gpu: badDevice })), Effect.provide(capture))
      )
    )
    expect(name).toBe("cpu")
    expect(logs.some((l) => l.startsWith("Warn") && l.includes("device creation refused")), logs.join("\n")).toBe(true)
  })

  it("layerWebGpu fails with BackendUnavailable without an adapter", async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU
    const exit = await Effect.runPromise(
      Effect.flip(Effect.scoped(Effect.provide(Effect.gen(function*() {
        return yield* T.TensorBackend
      }), T.layerWebGpu({ gpu: noAdapter }))))
    )
    expect(exit._tag).toBe("BackendUnavailable")
  })
})
