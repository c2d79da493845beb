/**
 * The WASM SIMD GEMM provider against a naive f64 reference (tolerance per element in
 * `deno/wasmGemmCases.ts`: 2⁻²³ · ((k + 2)·|alpha|·Σ|a·b| + 2|beta·c|)), on 1 and 2 threads,
 * with and without relaxed-SIMD FMA; its committed module against the generator; and the
 * same checks under Deno with web workers.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import type { SgemmCall } from "../src/backend/cpu/gemm/Gemm.ts"
import { GEMM_MODULE_VARIANTS, buildGemmModule } from "../src/backend/cpu/gemm/wasm/gemmKernels.ts"
import { renderGemmModuleSource } from "../src/backend/cpu/gemm/wasm/gemmModuleSource.ts"
import { makeThreadingPolicy } from "../src/backend/cpu/gemm/wasm/threadingPolicy.ts"
import { makeWasmGemm, makeWasmGemmSync } from "../src/backend/cpu/gemm/wasm/index.ts"
import { checkGemm, gemmCases, makeCall, reference } from "./deno/wasmGemmCases.ts"

const packageRoot = fileURLToPath(new URL("..", import.meta.url))
const deno = fileURLToPath(new URL("../../../node_modules/.bin/deno", import.meta.url))

describe("wasm gemm", () => {
  for (const threads of [1, 2]) {
    for (const fma of [true, false]) {
      it(`matches the f64 reference on ${threads} thread(s), fma ${fma}`, async () => {
        // minThreadedFlops 0: even the 1×1×1 case goes through the workers.
        const gemm = await makeWasmGemm({ threads, fma, minThreadedFlops: 0, adaptive: false })
        try {
          expect(gemm.name).toContain(`${threads} thread`)
          expect(checkGemm(gemm, gemmCases())).toEqual([])
        } finally {
          gemm.close?.()
        }
      }, 60_000)
    }
  }

  it("keeps working when a later call grows the memory under running workers", async () => {
    const gemm = await makeWasmGemm({ threads: 2, minThreadedFlops: 0, adaptive: false })
    try {
      const base = gemmCases()[0]!
      const small = { ...base, m: 20, n: 30, k: 10 }
      const large = { ...base, m: 400, n: 300, k: 320, transB: true }
      expect(checkGemm(gemm, [small, large, small, large])).toEqual([])
    } finally {
      gemm.close?.()
    }
  }, 60_000)

  it("workers take tiles (counted per thread), and every tile is run once", async () => {
    const gemm = await makeWasmGemm({ threads: 2, adaptive: false })
    try {
      const call = makeCall({ ...gemmCases()[0]!, m: 400, n: 512, k: 64 }, 7)
      // 6 × 2 tiles of 72 × 256 per call. A worker may be descheduled on a loaded machine,
      // so give it up to 50 calls to take a tile at all.
      let calls = 0
      while (calls < 50 && gemm.tilesByThread()[1] === 0) {
        gemm.sgemm(call)
        calls++
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const counts = gemm.tilesByThread()
      expect(counts[1]).toBeGreaterThan(0)
      expect(counts[0]! + counts[1]!).toBe(calls * 12)
    } finally {
      gemm.close?.()
    }
  }, 60_000)

  it("the threading policy tries both ways per size, keeps the faster and re-tries the slower", () => {
    const policy = makeThreadingPolicy({ probeEvery: 4, weight: 0.5 })
    const big = 1e8
    const small = 1e5
    // First calls of a size: threaded, then solo.
    expect(policy.next(big)).toBe(true)
    policy.record(big, true, 30) // threaded: 30 ms
    expect(policy.next(big)).toBe(false)
    policy.record(big, false, 10) // solo: 10 ms, faster
    // Solo wins; every 4th call of the group probes threads again.
    const choices = Array.from({ length: 6 }, () => policy.next(big))
    expect(choices).toEqual([false, true, false, false, false, true])
    // The other size is learnt separately.
    expect(policy.next(small)).toBe(true)
    // Threads get faster (the load went away): the moving average follows, threads win.
    for (let i = 0; i < 4; i++) policy.record(big, true, 2)
    expect(policy.next(big)).toBe(true)
    expect(policy.soloCalls()).toBe(1 + 4)
  })

  it("an adaptive 2-thread provider stays correct whichever way it decides", async () => {
    const gemm = await makeWasmGemm({ threads: 2, minThreadedFlops: 0 })
    try {
      expect(checkGemm(gemm, gemmCases().slice(-10), 200)).toEqual([])
    } finally {
      gemm.close?.()
    }
  }, 60_000)

  it("the synchronous factory is correct before and after its workers join", async () => {
    const gemm = makeWasmGemmSync({ threads: 2, minThreadedFlops: 0, adaptive: false })
    try {
      const cases = gemmCases().slice(-8)
      expect(checkGemm(gemm, cases)).toEqual([])
      await new Promise((resolve) => setTimeout(resolve, 1000))
      expect(checkGemm(gemm, cases, 100)).toEqual([])
    } finally {
      gemm.close?.()
    }
  }, 60_000)

  it("never reads C when beta is 0 (NaN in C does not leak)", async () => {
    const gemm = await makeWasmGemm({ threads: 1 })
    const call = makeCall({ ...gemmCases()[0]!, m: 13, n: 11, k: 7 }, 5)
    const { expected } = reference({ ...call, c: new Float32Array(call.c.length) })
    call.c.fill(Number.NaN)
    gemm.sgemm(call)
    // Addressed elements are exact-within-bound numbers; the rest stay NaN.
    for (let i = 0; i < 13; i++) for (let j = 0; j < 11; j++) expect(Number.isFinite(call.c[i * 11 + j]!)).toBe(true)
    expect(Math.abs(call.c[0]! - expected[0]!)).toBeLessThan(1e-5)
    expect(Number.isNaN(call.c[13 * 11]!)).toBe(true)
  })

  it("k = 0 and alpha = 0 scale C by beta", async () => {
    const gemm = await makeWasmGemm({ threads: 1 })
    for (const [k, alpha] of [[0, 1], [4, 0]] as const) {
      const call: SgemmCall = { ...makeCall({ ...gemmCases()[0]!, m: 3, n: 5, k: Math.max(k, 1) }, 9), k, alpha, beta: 0.5 }
      const before = Float32Array.from(call.c)
      gemm.sgemm(call)
      for (let i = 0; i < 15; i++) expect(call.c[i]).toBe(Math.fround(before[i]! * 0.5))
      expect(call.c[15]).toBe(before[15])
    }
  })

  it("rejects out-of-bounds operands (the shared checkSgemm) with a message naming the operand", async () => {
    const gemm = await makeWasmGemm({ threads: 1 })
    const call = makeCall({ ...gemmCases()[0]!, m: 4, n: 4, k: 4 }, 3)
    expect(() => gemm.sgemm({ ...call, b: new Float32Array(10) })).toThrow(/b reaches element 15 but has 10/)
    expect(() => gemm.sgemm({ ...call, lda: 3 })).toThrow(/lda = 3 must be an integer >= max\(1, 4\)/)
    expect(() => gemm.sgemm({ ...call, batch: 2, strideA: 0, strideB: 0, strideC: 4, c: new Float32Array(100) })).toThrow(/strideC = 4 makes the 2 outputs of 4×4 \(ldc 4\) overlap/)
  })

  it("the committed module is what the generator builds now", () => {
    const committed = readFileSync(fileURLToPath(new URL("../src/backend/cpu/gemm/wasm/gemmModule.generated.ts", import.meta.url)), "utf8")
    expect(committed).toBe(renderGemmModuleSource())
    for (const v of GEMM_MODULE_VARIANTS) expect(WebAssembly.validate(buildGemmModule(v)), v.key).toBe(true)
  })

  it.skipIf(!existsSync(deno))("passes the same checks under Deno with web workers", () => {
    const proc = spawnSync(deno, ["run", "--allow-read", "test/deno/wasmGemm.ts"], {
      cwd: packageRoot,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1" }
    })
    expect(proc.status, `deno stderr: ${proc.stderr}`).toBe(0)
    const parsed = JSON.parse(proc.stdout.trim().split("\n").at(-1) ?? "{}") as {
      error?: string
      cases?: number
      results?: Array<{ name: string; failures: Array<string> }>
    }
    expect(parsed.error, parsed.error).toBeUndefined()
    expect(parsed.cases).toBe(gemmCases().length)
    expect(parsed.results?.map((r) => r.name.replace(/^.*, /, ""))).toEqual(["1 thread", "2 threads"])
    for (const r of parsed.results!) expect(r.failures, r.name).toEqual([])
  }, 150_000)
})
