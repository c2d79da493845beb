/**
 * A `GemmProvider` over a system BLAS opened by the runtime's FFI: which files to try on
 * each OS, which library a file turned out to be (OpenBLAS, MKL, BLIS, Accelerate), how
 * many threads it runs, and `cblas_sgemm` called once per batch entry on views of the
 * caller's arrays (no staging copies). Runtime-neutral: the FFI lives in `blasNode.ts`
 * and `blasDeno.ts`.
 *
 * @since 0.2.0
 */
import type { BlasBinding, OpenBlasLibrary } from "./BlasBinding.ts"
import { CblasNoTrans, CblasRowMajor, CblasTrans } from "./BlasBinding.ts"
import { checkSgemm } from "./checkSgemm.ts"
import type { GemmProvider, SgemmCall } from "./Gemm.ts"

/** @since 0.2.0 @category models */
export type BlasKind = "openblas" | "mkl" | "blis" | "accelerate" | "unknown"

/**
 * A BLAS-backed provider, with what it found out about its library.
 *
 * @since 0.2.0
 * @category models
 */
export interface BlasGemmProvider extends GemmProvider {
  readonly kind: BlasKind
  /** e.g. `0.3.21`, or undefined when the library does not say. */
  readonly version: string | undefined
  readonly file: string
  /** Threads the library runs with, or undefined when it cannot be asked. */
  readonly threads: number | undefined
}

/**
 * Library files tried in order on each OS (`Deno.build.os` / `process.platform` names):
 * the optimized BLASes first, then the generic CBLAS names (on Debian `libblas.so.3` is
 * whichever BLAS the alternatives system selected, often OpenBLAS).
 *
 * @since 0.2.0
 * @category constants
 */
export const blasCandidates = (os: string): ReadonlyArray<string> => {
  switch (os) {
    case "darwin":
      return [
        "/System/Library/Frameworks/Accelerate.framework/Accelerate",
        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
        "/usr/local/opt/openblas/lib/libopenblas.dylib",
        "libopenblas.dylib",
        "libmkl_rt.2.dylib"
      ]
    case "windows":
    case "win32":
      return ["libopenblas.dll", "openblas.dll", "mkl_rt.2.dll", "mkl_rt.dll"]
    default:
      return [
        "libopenblas.so.0",
        "libopenblas.so",
        "libopenblas64.so.0",
        "libopenblas64_.so.0",
        "libmkl_rt.so.2",
        "libmkl_rt.so",
        "libblis.so.4",
        "libblis.so",
        "libcblas.so.3",
        "libblas.so.3"
      ]
  }
}

/**
 * The thread count used when neither our option nor the library's own environment
 * variable sets one: one thread on machines of up to two cores (the JavaScript thread and
 * anything else running need the other; OpenMP's spinning threads collapse under such
 * contention), else all cores but one, at most eight (these GEMMs are small).
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultBlasThreads = (cores: number): number => (cores <= 2 ? 1 : Math.min(8, cores - 1))

/** Environment variables a library reads for its own thread count; when set we leave it alone. */
const libraryThreadEnv: Readonly<Record<BlasKind, ReadonlyArray<string>>> = {
  openblas: ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"],
  mkl: ["MKL_NUM_THREADS", "OMP_NUM_THREADS"],
  blis: ["BLIS_NUM_THREADS", "OMP_NUM_THREADS"],
  accelerate: ["VECLIB_MAXIMUM_THREADS"],
  unknown: ["OMP_NUM_THREADS"]
}

interface Identity {
  readonly kind: BlasKind
  readonly version: string | undefined
  /** Extra words for the one-line name, e.g. `Cooperlake openmp`. */
  readonly detail: string
}

const safe = <A>(f: (() => A) | undefined): A | undefined => {
  if (f === undefined) return undefined
  try {
    return f()
  } catch {
    return undefined
  }
}

const identify = (binding: BlasBinding): Identity => {
  const config = safe(binding.openblasConfig)
  if (config !== undefined) {
    const version = /OpenBLAS\s+(\S+)/i.exec(config)?.[1]
    const core = safe(binding.openblasCorename) ?? ""
    const threading = /USE_OPENMP/.test(config) ? "openmp" : "pthreads"
    return { kind: "openblas", version, detail: [core, threading, binding.ilp64 ? "ilp64" : ""].filter((s) => s !== "").join(" ") }
  }
  const mkl = safe(binding.mklVersion)
  if (mkl !== undefined) {
    return { kind: "mkl", version: /(\d{4}(?:\.\d+)*)/.exec(mkl)?.[1], detail: "" }
  }
  const blis = safe(binding.blisVersion)
  if (blis !== undefined) return { kind: "blis", version: blis.trim(), detail: "" }
  if (/Accelerate\.framework/.test(binding.file)) return { kind: "accelerate", version: undefined, detail: "" }
  return { kind: "unknown", version: undefined, detail: "no version entry point; may be the reference BLAS" }
}

const getThreads = (binding: BlasBinding): number | undefined =>
  safe(binding.openblasGetThreads) ?? safe(binding.mklGetThreads) ?? safe(binding.blisGetThreads)

const setThreads = (binding: BlasBinding, n: number): void => {
  const set = binding.openblasSetThreads ?? binding.mklSetThreads ?? binding.blisSetThreads
  if (set !== undefined) set(n)
}

/**
 * Options for `openBlasProvider`.
 *
 * @since 0.2.0
 * @category models
 */
export interface BlasProviderOptions {
  /** Threads for the library; undefined keeps its own environment's choice, else `defaultBlasThreads`. */
  readonly threads?: number | undefined
  /** One library file or path to try instead of the OS's list. */
  readonly library?: string | undefined
  /** Accept a library that does not identify itself (possibly the slow reference BLAS). Default false. */
  readonly acceptUnknown?: boolean | undefined
  /** Logical cores, for the default thread count. */
  readonly cores?: number | undefined
  /** Reads an environment variable (undefined when unset or unreadable). */
  readonly env?: ((name: string) => string | undefined) | undefined
  /**
   * Run few-row products with a long K as Cᵀ = op(B)ᵀ·op(A)ᵀ into a scratch and transpose
   * back (see `swapsOperands`). Default: true for OpenBLAS, false for other libraries.
   */
  readonly swapFewRows?: boolean | undefined
}

/**
 * Whether a product is run with its operands swapped: few rows (decode's 8-row batches) and
 * K longer than N, the MLP down projection. OpenBLAS 0.3.21 (Cooperlake, one thread) took
 * 240–280 µs of CPU for 8 × 256 × 1024 with A·Bᵀ and 113–121 µs swapped (16 rows: 317 vs
 * 145; 32 rows: 417 vs 277), while shapes with K ≤ N gained nothing or lost, so only those
 * are swapped (one row is a GEMV in the library either way). The sums run with the roles of
 * the packed operands exchanged: equal within rounding by contract (the benchmark model's 64
 * decode steps gave bit-identical logits).
 *
 * @since 0.2.0
 * @category internals
 */
export const swapsOperands = (m: number, n: number, k: number): boolean => m >= 2 && m <= 32 && k > n

/**
 * Wraps an opened library as a provider: identifies it, sets its thread count, and runs
 * each batch entry as one `cblas_sgemm` on views of the caller's arrays.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeBlasProvider = (binding: BlasBinding, options: BlasProviderOptions = {}): BlasGemmProvider => {
  const id = identify(binding)
  const env = options.env ?? (() => undefined)
  const ownEnvSet = libraryThreadEnv[id.kind].some((name) => (env(name) ?? "") !== "")
  const wanted = options.threads ?? (ownEnvSet ? undefined : defaultBlasThreads(options.cores ?? 1))
  if (wanted !== undefined) setThreads(binding, wanted)
  const threads = getThreads(binding)
  const what = [id.kind, id.version, id.detail].filter((s) => s !== undefined && s !== "").join(" ")
  const threadWords = threads === undefined ? "threads as the library decides" : `${threads} thread${threads === 1 ? "" : "s"}`
  const name = `${what} (${binding.file}), ${threadWords}`
  const f = binding.sgemm
  const swapFewRows = options.swapFewRows ?? id.kind === "openblas"
  let scratch = new Float32Array(0)

  const sgemm = (call: SgemmCall): void => {
    checkSgemm(call)
    const { a, b, batch, c, k, m, n } = call
    if (m === 0 || n === 0 || batch === 0) return
    if (k === 0) {
      // Nothing to multiply: C = beta·C. Done here so the library never sees an empty operand.
      for (let bi = 0; bi < batch; bi++) {
        for (let i = 0; i < m; i++) {
          const row = call.cOffset + bi * call.strideC + i * call.ldc
          for (let j = 0; j < n; j++) c[row + j] = call.beta === 0 ? 0 : call.beta * c[row + j]!
        }
      }
      return
    }
    const ta = call.transA ? CblasTrans : CblasNoTrans
    const tb = call.transB ? CblasTrans : CblasNoTrans
    if (swapFewRows && swapsOperands(m, n, k)) {
      // Cᵀ [n, m] = op(B)ᵀ · op(A)ᵀ in a scratch (holding Cᵀ when beta ≠ 0), then back into C.
      if (scratch.length < m * n) scratch = new Float32Array(m * n)
      const t = scratch
      for (let bi = 0; bi < batch; bi++) {
        const co = call.cOffset + bi * call.strideC
        if (call.beta !== 0) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = c[co + i * call.ldc + j]!
        const ao = call.aOffset + bi * call.strideA
        const bo = call.bOffset + bi * call.strideB
        f(
          CblasRowMajor,
          call.transB ? CblasNoTrans : CblasTrans,
          call.transA ? CblasNoTrans : CblasTrans,
          n,
          m,
          k,
          call.alpha,
          bo === 0 ? b : b.subarray(bo),
          call.ldb,
          ao === 0 ? a : a.subarray(ao),
          call.lda,
          call.beta,
          t,
          m
        )
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[co + i * call.ldc + j] = t[j * m + i]!
      }
      return
    }
    for (let bi = 0; bi < batch; bi++) {
      const ao = call.aOffset + bi * call.strideA
      const bo = call.bOffset + bi * call.strideB
      const co = call.cOffset + bi * call.strideC
      f(
        CblasRowMajor,
        ta,
        tb,
        m,
        n,
        k,
        call.alpha,
        ao === 0 ? a : a.subarray(ao),
        call.lda,
        bo === 0 ? b : b.subarray(bo),
        call.ldb,
        call.beta,
        co === 0 ? c : c.subarray(co),
        call.ldc
      )
    }
  }
  return { name, kind: id.kind, version: id.version, file: binding.file, threads, sgemm, close: binding.close }
}

/**
 * Tries `options.library`, or each of the OS's candidates, and wraps the first usable
 * library; else returns one sentence listing why each failed.
 *
 * @since 0.2.0
 * @category constructors
 */
export const findBlasProvider = (
  open: OpenBlasLibrary,
  os: string,
  options: BlasProviderOptions = {}
): BlasGemmProvider | string => {
  const files = options.library !== undefined && options.library !== "" ? [options.library] : blasCandidates(os)
  const reasons: Array<string> = []
  for (const file of files) {
    const binding = open(file)
    if (typeof binding === "string") {
      reasons.push(`${file}: ${binding}`)
      continue
    }
    const provider = makeBlasProvider(binding, options)
    if (provider.kind === "unknown" && options.acceptUnknown !== true) {
      reasons.push(`${file}: does not identify itself as OpenBLAS, MKL, BLIS or Accelerate (force it with gemm "blas")`)
      binding.close()
      continue
    }
    return provider
  }
  return `no usable BLAS (${reasons.join("; ")})`
}
