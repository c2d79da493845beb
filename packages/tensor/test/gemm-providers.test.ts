/**
 * Every `GemmProvider` against a naive f64 loop written here, on random calls with
 * transposes, offsets, padded leading dimensions, batch strides (0 = shared operand),
 * alpha and beta; bad calls fail before any memory is touched; the BLAS library is
 * identified and its thread count set as documented; the selection honours
 * `SAPPHIRE_CPU_GEMM`.
 */
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import type { BlasBinding } from "../src/backend/cpu/gemm/BlasBinding.ts"
import { defaultBlasThreads, findBlasProvider, makeBlasProvider, swapsOperands } from "../src/backend/cpu/gemm/blasProvider.ts"
import type { GemmProvider, SgemmCall } from "../src/backend/cpu/gemm/Gemm.ts"
import { referenceGemm } from "../src/backend/cpu/gemm/referenceGemm.ts"
import { GEMM_ENV, selectGemm, systemBlas, wasmGemm } from "../src/backend/cpu/gemm/selectGemm.ts"
import { blasMissing, gemmModes } from "./support/gemmModes.ts"
import { seeded } from "./support/views.ts"

const providers: Array<GemmProvider> = gemmModes.flatMap((m) => (typeof m.options.gemm === "object" ? [m.options.gemm] : []))

/** C after the call, by f64 sums; also the bound Σ|α·a·b| + |β·c| per element for the tolerance. */
const naive = (call: SgemmCall): { c: Float64Array; scale: Float64Array } => {
  const c = Float64Array.from(call.c)
  const scale = new Float64Array(call.c.length)
  for (let bi = 0; bi < call.batch; bi++) {
    for (let i = 0; i < call.m; i++) {
      for (let j = 0; j < call.n; j++) {
        let sum = 0
        let abs = 0
        for (let p = 0; p < call.k; p++) {
          const a = call.a[call.aOffset + bi * call.strideA + (call.transA ? p * call.lda + i : i * call.lda + p)]!
          const b = call.b[call.bOffset + bi * call.strideB + (call.transB ? j * call.ldb + p : p * call.ldb + j)]!
          sum += a * b
          abs += Math.abs(a * b)
        }
        const ci = call.cOffset + bi * call.strideC + i * call.ldc + j
        const old = call.beta === 0 ? 0 : call.beta * call.c[ci]!
        c[ci] = call.alpha * sum + old
        scale[ci] = Math.abs(call.alpha) * abs + Math.abs(old)
      }
    }
  }
  return { c, scale }
}

const callArb = fc.record({
  m: fc.integer({ min: 1, max: 9 }),
  n: fc.integer({ min: 1, max: 9 }),
  k: fc.integer({ min: 0, max: 40 }),
  batch: fc.integer({ min: 1, max: 3 }),
  transA: fc.boolean(),
  transB: fc.boolean(),
  padA: fc.integer({ min: 0, max: 3 }),
  padB: fc.integer({ min: 0, max: 3 }),
  padC: fc.integer({ min: 0, max: 3 }),
  shareA: fc.boolean(),
  shareB: fc.boolean(),
  offset: fc.integer({ min: 0, max: 5 }),
  alpha: fc.constantFrom(1, 0.5, -2),
  beta: fc.constantFrom(0, 1, 0.25),
  seed: fc.integer({ min: 0, max: 1 << 20 })
})

type CallParams = typeof callArb extends fc.Arbitrary<infer R> ? R : never

const makeCall = (p: CallParams): SgemmCall => {
  const r = seeded(p.seed)
  const [aRows, aCols] = p.transA ? [p.k, p.m] : [p.m, p.k]
  const [bRows, bCols] = p.transB ? [p.n, p.k] : [p.k, p.n]
  const lda = Math.max(1, aCols) + p.padA
  const ldb = Math.max(1, bCols) + p.padB
  const ldc = p.n + p.padC
  const strideA = p.shareA ? 0 : aRows * lda + 1
  const strideB = p.shareB ? 0 : bRows * ldb + 2
  const strideC = p.m * ldc + 3
  const fill = (n: number) => Float32Array.from({ length: n }, () => r())
  return {
    transA: p.transA,
    transB: p.transB,
    m: p.m,
    n: p.n,
    k: p.k,
    alpha: p.alpha,
    beta: p.beta,
    a: fill(p.offset + p.batch * (strideA + aRows * lda) + 1),
    aOffset: p.offset,
    lda,
    strideA,
    b: fill(p.offset + p.batch * (strideB + bRows * ldb) + 1),
    bOffset: p.offset,
    ldb,
    strideB,
    // C's padding and gaps hold values that must survive the call untouched.
    c: fill(p.offset + p.batch * strideC + 1),
    cOffset: p.offset,
    ldc,
    strideC,
    batch: p.batch
  }
}

describe.each(providers.map((p) => [p.name, p] as const))("sgemm: %s", (_, provider) => {
  // f32 accumulation of k products: |error| <= (k + 2)·2⁻²⁴·(Σ|α·a·b| + |β·c|), the standard
  // dot-product bound (a fused multiply-add only tightens it), plus 1e-30 for exact zeros.
  it("matches f64 sums within (k + 2)·2⁻²⁴·Σ|terms| and leaves every other element of C untouched", () => {
    fc.assert(
      fc.property(callArb, (p) => {
        const call = makeCall(p)
        const want = naive(call)
        provider.sgemm(call)
        for (let i = 0; i < call.c.length; i++) {
          const tol = (p.k + 2) * 2 ** -24 * want.scale[i]! + 1e-30
          if (!(Math.abs(call.c[i]! - want.c[i]!) <= tol)) {
            throw new Error(`c[${i}] = ${call.c[i]} but f64 gives ${want.c[i]} (tolerance ${tol})`)
          }
        }
      }),
      { numRuns: 150 }
    )
  })

  it("rejects calls that reach past an array, overlap outputs or have bad sizes, before touching memory", () => {
    const base = makeCall({
      m: 3, n: 4, k: 5, batch: 2, transA: false, transB: true, padA: 0, padB: 0, padC: 0,
      shareA: false, shareB: false, offset: 0, alpha: 1, beta: 0, seed: 1
    })
    const before = Float32Array.from(base.c)
    const bad: Array<[string, Partial<SgemmCall>, RegExp]> = [
      ["a too short", { a: base.a.subarray(0, 10) }, /a reaches element/],
      ["c offset past the end", { cOffset: base.c.length }, /c reaches element/],
      ["lda below the row length", { lda: 4 }, /lda = 4/],
      ["overlapping outputs", { strideC: 5 }, /overlap/],
      ["fractional m", { m: 2.5 }, /m must be/],
      ["negative stride", { strideB: -1 }, /batch stride/]
    ]
    for (const [what, patch, message] of bad) {
      expect(() => provider.sgemm({ ...base, ...patch }), what).toThrow(message)
    }
    expect(base.c).toEqual(before)
  })
})

describe("system BLAS", () => {
  it("is present (required when CI=true: .ci/run installs OpenBLAS)", () => {
    if (blasMissing !== undefined && process.env["CI"] !== "true") {
      console.log(`system BLAS not checked: ${blasMissing}`)
      return
    }
    const blas = systemBlas()
    expect(typeof blas, typeof blas === "string" ? blas : "").toBe("object")
    if (typeof blas === "string") return
    // One line naming the library, its file and its threads.
    expect(blas.name).toMatch(/^(openblas|mkl|blis|accelerate) .*\(.+\), (\d+ threads?|threads as the library decides)$/)
  })
})

/** A fake library: records sgemm calls and thread settings, with the introspection entries given. */
const fakeBinding = (entries: Partial<BlasBinding>, file = "libfake.so"): BlasBinding & { threadsSet: Array<number> } => {
  const threadsSet: Array<number> = []
  let threads = 4
  return {
    file,
    ilp64: false,
    sgemm: () => {},
    close: () => {},
    threadsSet,
    ...entries,
    ...(entries.openblasConfig === undefined ? {} : {
      openblasGetThreads: () => threads,
      openblasSetThreads: (n: number) => {
        threadsSet.push(n)
        threads = n
      }
    })
  }
}

describe("BLAS identification and threads", () => {
  const openblas = { openblasConfig: () => "OpenBLAS 0.3.21 DYNAMIC_ARCH USE_OPENMP Cooperlake MAX_THREADS=64", openblasCorename: () => "Cooperlake" }

  it("names OpenBLAS with version, core, threading and file, and sets the default thread count", () => {
    const b = fakeBinding(openblas, "libopenblas.so.0")
    const p = makeBlasProvider(b, { cores: 2 })
    expect(p.name).toBe("openblas 0.3.21 Cooperlake openmp (libopenblas.so.0), 1 thread")
    expect(b.threadsSet).toEqual([defaultBlasThreads(2)])
    expect([defaultBlasThreads(1), defaultBlasThreads(2), defaultBlasThreads(4), defaultBlasThreads(64)]).toEqual([1, 1, 3, 8])
  })

  it("takes an explicit thread count, and leaves the library's own environment variable alone", () => {
    const explicit = fakeBinding(openblas)
    expect(makeBlasProvider(explicit, { threads: 3, cores: 2 }).threads).toBe(3)
    const own = fakeBinding(openblas)
    const p = makeBlasProvider(own, { cores: 16, env: (n) => (n === "OPENBLAS_NUM_THREADS" ? "2" : undefined) })
    expect(own.threadsSet).toEqual([])
    expect(p.threads).toBe(4)
  })

  it("names MKL and BLIS from their version entry points; an unknown library is refused unless accepted", () => {
    expect(makeBlasProvider(fakeBinding({ mklVersion: () => "Intel(R) oneAPI Math Kernel Library Version 2024.0.1" })).name)
      .toMatch(/^mkl 2024\.0\.1 \(libfake\.so\)/)
    expect(makeBlasProvider(fakeBinding({ blisVersion: () => "0.9.0" })).kind).toBe("blis")
    const open = () => fakeBinding({}, "libblas.so.3")
    expect(findBlasProvider(open, "linux", { library: "libblas.so.3" })).toMatch(/does not identify itself/)
    const accepted = findBlasProvider(open, "linux", { library: "libblas.so.3", acceptUnknown: true })
    expect(typeof accepted === "object" && accepted.kind).toBe("unknown")
  })

  it("runs few-row, long-K products swapped on OpenBLAS only (Cᵀ = Bᵀ·Aᵀ into a scratch, then C; values in the property test above)", () => {
    const seen: Array<ReadonlyArray<unknown>> = []
    const sgemm = (...args: ReadonlyArray<unknown>) => void seen.push(args.slice(0, 6))
    const call = (m: number, n: number, k: number): SgemmCall => ({
      transA: false, transB: true, m, n, k, alpha: 1, beta: 0,
      a: new Float32Array(m * k), aOffset: 0, lda: k, strideA: 0,
      b: new Float32Array(n * k), bOffset: 0, ldb: k, strideB: 0,
      c: new Float32Array(m * n), cOffset: 0, ldc: n, strideC: 0, batch: 1
    })
    const open = makeBlasProvider({ ...fakeBinding(openblas), sgemm } as BlasBinding)
    open.sgemm(call(8, 256, 1024)) // decode's down projection: swapped (row-major 101, NoTrans 111, Trans 112)
    open.sgemm(call(8, 1024, 256)) // K ≤ N: as given
    open.sgemm(call(64, 256, 1024)) // many rows: as given
    makeBlasProvider({ ...fakeBinding({ mklVersion: () => "2024.0.1" }), sgemm } as BlasBinding).sgemm(call(8, 256, 1024))
    expect(seen).toEqual([[101, 111, 112, 256, 8, 1024], [101, 111, 112, 8, 1024, 256], [101, 111, 112, 64, 256, 1024], [101, 111, 112, 8, 256, 1024]])
    expect([swapsOperands(32, 256, 257), swapsOperands(33, 256, 1024), swapsOperands(8, 256, 256), swapsOperands(1, 64, 128)]).toEqual([true, false, false, false])
  })

  it("says why no library was usable", () => {
    const reason = findBlasProvider(() => "not loadable (no such file)", "linux")
    expect(reason).toMatch(/^no usable BLAS \(libopenblas\.so\.0: not loadable \(no such file\);/)
  })
})

describe("GEMM selection", () => {
  const saved = process.env[GEMM_ENV.choice]
  afterEach(() => {
    if (saved === undefined) delete process.env[GEMM_ENV.choice]
    else process.env[GEMM_ENV.choice] = saved
  })

  it(`${GEMM_ENV.choice}=js forces the JavaScript kernels, and an unknown value is an error`, () => {
    process.env[GEMM_ENV.choice] = "js"
    expect(selectGemm()).toMatchObject({ kind: "js", provider: undefined, reason: `JavaScript kernels (${GEMM_ENV.choice}=js)` })
    process.env[GEMM_ENV.choice] = "fast"
    expect(() => selectGemm()).toThrow(/unknown CPU GEMM "fast" \(expected auto, blas, wasm, js\)/)
  })

  it("auto takes the system BLAS when there is one and says so; a forced but missing choice throws", () => {
    delete process.env[GEMM_ENV.choice]
    const auto = selectGemm()
    if (typeof systemBlas() === "object") expect(auto.kind).toBe("blas")
    expect(auto.reason.length).toBeGreaterThan(0)
  })

  it("the reference provider and (on Node, which always has WebAssembly) the WASM GEMM are among the providers tested", () => {
    expect(providers).toContain(referenceGemm)
    const w = wasmGemm()
    expect(typeof w === "string" ? w : "ok").toBe("ok")
    expect(providers).toContain(w)
    expect(selectGemm("wasm")).toMatchObject({ kind: "wasm", reason: expect.stringMatching(/^wasm-simd.*\(asked for\)$/) })
  })
})
