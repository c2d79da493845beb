import { Effect, Logger } from "effect"
import { describe, expect, it } from "vitest"
import * as T from "../src/index.ts"
import { blasMissing } from "./support/gemmModes.ts"

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

  it("layerAuto takes the CPU over a software adapter when the CPU has a BLAS, and says why", async () => {
    let devices = 0
    const llvmpipe = {
      requestAdapter: async () => ({
        info: { description: "llvmpipe (LLVM 15.0.6, 256 bits)", vendor: "mesa", architecture: "", device: "" },
        features: new Set<string>(),
        limits: {},
        requestDevice: async () => {
          devices++
          throw new Error("device creation refused")
        }
      })
    } as unknown as GPU
    const logs: Array<string> = []
    const capture = Logger.layer([Logger.make((o) => logs.push(`${o.logLevel}: ${String(o.message)}`))])
    const info = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function*() {
          return (yield* T.TensorBackend).info
        }).pipe(Effect.provide(T.layerAuto({ gpu: llvmpipe })), Effect.provide(capture))
      )
    )
    expect(info.name).toBe("cpu")
    if (blasMissing !== undefined && process.env["CI"] !== "true") return
    // With a BLAS no device is even requested, and the log line names the reason.
    expect(devices).toBe(0)
    expect(logs.some((l) => l.includes("is a software rasterizer; the CPU backend on")), logs.join("\n")).toBe(true)
  })
})

describe("chooseBackend", () => {
  const blas = { kind: "blas" as const, name: "openblas 0.3.21 (libopenblas.so.0), 1 thread" }
  const js = { kind: "js" as const, name: "JavaScript kernels" }
  it("hardware adapter → webgpu; software adapter → cpu with a BLAS or WASM GEMM, else webgpu; none → cpu", () => {
    const gpu = { description: "NVIDIA H100", software: false }
    const soft = { description: "llvmpipe", software: true }
    expect(T.chooseBackend(gpu, blas).backend).toBe("webgpu")
    expect(T.chooseBackend(soft, blas)).toEqual({
      backend: "cpu",
      reason: "WebGPU adapter llvmpipe is a software rasterizer; the CPU backend on openblas 0.3.21 (libopenblas.so.0), 1 thread is faster here (--backend webgpu overrides)"
    })
    expect(T.chooseBackend(soft, { kind: "wasm", name: "wasm-simd, 2 workers" }).backend).toBe("cpu")
    expect(T.chooseBackend(soft, js).backend).toBe("webgpu")
    expect(T.chooseBackend(null, js)).toEqual({ backend: "cpu", reason: "no WebGPU adapter" })
  })
})
