/**
 * Which GEMM the CPU backend runs: the system BLAS when one is found, else the WASM SIMD
 * GEMM (`./wasm/`), else (no WebAssembly) the JavaScript kernels. `SAPPHIRE_CPU_GEMM`
 * (`auto`, `blas`, `wasm`, `js`) or the backend's `gemm` option forces one; a forced
 * choice that is unavailable is an error, not a silent fallback.
 *
 * The runtime's FFI file is imported once, here, by top-level await, so the rest of the
 * package stays free of Node- and Deno-only modules; the library itself is opened on
 * first use and shared by every backend in the process (its thread count is global).
 *
 * @since 0.2.0
 */
import type { OpenBlasLibrary } from "./BlasBinding.ts"
import { type BlasGemmProvider, findBlasProvider } from "./blasProvider.ts"
import type { GemmProvider } from "./Gemm.ts"
import { readEnv } from "./readEnv.ts"
import { makeWasmGemmSync } from "./wasm/index.ts"

/**
 * `auto` picks the best available; the others force one.
 *
 * @since 0.2.0
 * @category models
 */
export type GemmChoice = "auto" | "blas" | "wasm" | "js"

/** @since 0.2.0 @category constants */
export const GEMM_CHOICES: ReadonlyArray<GemmChoice> = ["auto", "blas", "wasm", "js"]

/** Environment variables read here. @since 0.2.0 @category constants */
export const GEMM_ENV = {
  /** `auto` | `blas` | `wasm` | `js`. */
  choice: "SAPPHIRE_CPU_GEMM",
  /** Thread count for the BLAS library (default: `defaultBlasThreads`). */
  threads: "SAPPHIRE_BLAS_THREADS",
  /** One library file or path to open instead of the OS's list. */
  library: "SAPPHIRE_BLAS_LIBRARY",
  /**
   * Threads for the WASM GEMM, the calling thread included (default on Node: cores up to 8;
   * elsewhere 1, since web workers keep a Deno program alive until the provider is closed).
   */
  wasmThreads: "SAPPHIRE_WASM_THREADS"
} as const

/**
 * The outcome: the provider (undefined = the JavaScript kernels) and one line saying what
 * was chosen and why.
 *
 * @since 0.2.0
 * @category models
 */
export interface GemmSelection {
  readonly provider: GemmProvider | undefined
  readonly kind: "blas" | "wasm" | "js"
  readonly reason: string
}

interface NativeFfi {
  readonly open: OpenBlasLibrary
  readonly os: string
}

const loadFfi = async (): Promise<NativeFfi | string> => {
  const g = globalThis as { Deno?: { dlopen?: unknown }; process?: { versions?: { node?: string } } }
  try {
    if (g.Deno !== undefined) {
      const { denoOs, openBlasLibraryDeno } = await import("./blasDeno.ts")
      return { open: openBlasLibraryDeno, os: denoOs() }
    }
    if (typeof g.process?.versions?.node === "string") {
      const { nodeOs, openBlasLibraryNode } = await import("./blasNode.ts")
      return { open: openBlasLibraryNode, os: nodeOs() }
    }
  } catch (e) {
    return `the FFI module did not load (${e instanceof Error ? e.message : String(e)})`
  }
  return "no FFI on this runtime (browser)"
}

const ffi = await loadFfi()

/** Opened once per process; keyed by whether an unidentified library is accepted. */
const opened = new Map<boolean, BlasGemmProvider | string>()

/**
 * The process's BLAS provider (opened on first call, then cached), or why there is none.
 * `acceptUnknown` also takes a library that does not say what it is (possibly the slow
 * reference BLAS); `auto` does not.
 *
 * @since 0.2.0
 * @category constructors
 */
export const systemBlas = (acceptUnknown = false): BlasGemmProvider | string => {
  const cached = opened.get(acceptUnknown)
  if (cached !== undefined) return cached
  if (typeof ffi === "string") return ffi
  const threadsText = readEnv(GEMM_ENV.threads)
  const threads = threadsText === undefined || threadsText === "" ? undefined : Number(threadsText)
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 1)) {
    throw new RangeError(`${GEMM_ENV.threads}=${threadsText}: expected a positive integer`)
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1
  const library = readEnv(GEMM_ENV.library)
  const found = findBlasProvider(ffi.open, ffi.os, {
    threads,
    library,
    // A library named explicitly is taken whatever it is.
    acceptUnknown: acceptUnknown || (library ?? "") !== "",
    cores,
    env: readEnv
  })
  opened.set(acceptUnknown, found)
  return found
}

let wasm: GemmProvider | string | undefined

/**
 * The process's WASM SIMD GEMM (made on first call, then shared: its workers start in the
 * background and join calls once up), or why it could not be made.
 *
 * @since 0.2.0
 * @category constructors
 */
export const wasmGemm = (): GemmProvider | string => {
  if (wasm !== undefined) return wasm
  const text = readEnv(GEMM_ENV.wasmThreads)
  const threads = text === undefined || text === "" ? undefined : Number(text)
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 1)) {
    throw new RangeError(`${GEMM_ENV.wasmThreads}=${text}: expected a positive integer`)
  }
  // Node's GEMM workers are unreferenced; Deno's and browsers' web workers would keep the
  // program alive after its work is done, so there the default is the calling thread alone.
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } }
  const node = g.Deno === undefined && typeof g.process?.versions?.node === "string"
  try {
    wasm = makeWasmGemmSync(threads !== undefined ? { threads } : node ? {} : { threads: 1 })
  } catch (e) {
    wasm = `the WASM SIMD GEMM could not start (${e instanceof Error ? e.message : String(e)})`
  }
  return wasm
}

/**
 * Parses a choice from a string (an option or `SAPPHIRE_CPU_GEMM`); throws a
 * `RangeError` naming the valid ones.
 *
 * @since 0.2.0
 * @category parsing
 */
export const parseGemmChoice = (text: string, source: string): GemmChoice => {
  const t = text.trim().toLowerCase()
  if ((GEMM_CHOICES as ReadonlyArray<string>).includes(t)) return t as GemmChoice
  throw new RangeError(`${source}: unknown CPU GEMM "${text}" (expected ${GEMM_CHOICES.join(", ")})`)
}

/**
 * Resolves a choice (default: `SAPPHIRE_CPU_GEMM`, else `auto`) to a provider. Throws an
 * `Error` when a forced choice is unavailable.
 *
 * @since 0.2.0
 * @category constructors
 */
export const selectGemm = (choice?: GemmChoice): GemmSelection => {
  const envText = readEnv(GEMM_ENV.choice)
  const wanted = choice ?? (envText === undefined || envText === "" ? "auto" : parseGemmChoice(envText, GEMM_ENV.choice))
  const by = choice !== undefined ? "asked for" : envText !== undefined && envText !== "" ? `${GEMM_ENV.choice}=${envText}` : "auto"
  if (wanted === "js") return { provider: undefined, kind: "js", reason: `JavaScript kernels (${by})` }
  if (wanted === "blas") {
    const b = systemBlas(true)
    if (typeof b === "string") throw new Error(`CPU GEMM "blas" (${by}) is unavailable: ${b}`)
    return { provider: b, kind: "blas", reason: `${b.name} (${by})` }
  }
  if (wanted === "wasm") {
    const w = wasmGemm()
    if (typeof w === "string") throw new Error(`CPU GEMM "wasm" (${by}) is unavailable: ${w}`)
    return { provider: w, kind: "wasm", reason: `${w.name} (${by})` }
  }
  const b = systemBlas()
  if (typeof b !== "string") return { provider: b, kind: "blas", reason: `${b.name} (auto: system BLAS found)` }
  const w = wasmGemm()
  if (typeof w !== "string") return { provider: w, kind: "wasm", reason: `${w.name} (auto: ${b})` }
  return { provider: undefined, kind: "js", reason: `JavaScript kernels (auto: ${b}; ${w})` }
}
