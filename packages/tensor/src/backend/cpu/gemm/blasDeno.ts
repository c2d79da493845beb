/**
 * The Deno side of the BLAS provider: binds a library's CBLAS symbols with
 * `Deno.dlopen` (needs `--allow-ffi`). Typed-array arguments go as `buffer` parameters,
 * which Deno passes as the view's address: no copy.
 *
 * @since 0.2.0
 */
import type { BlasBinding, CblasSgemm, OpenBlasLibrary } from "./BlasBinding.ts"

/** The slice of Deno's FFI used here (the repository typechecks against Node's types). */
interface DenoFfi {
  readonly build: { readonly os: string }
  readonly dlopen: (
    file: string,
    symbols: Record<string, { parameters: ReadonlyArray<string>; result: string; optional?: boolean }>
  ) => { readonly symbols: Record<string, ((...args: Array<unknown>) => unknown) | null | undefined>; close(): void }
  readonly UnsafePointerView: { getCString(pointer: unknown): string }
}

const deno = (): DenoFfi | undefined => (globalThis as { Deno?: DenoFfi }).Deno

const sgemmParameters = (int: string) =>
  ["i32", "i32", "i32", int, int, int, "f32", "buffer", int, "buffer", int, "f32", "buffer", int]

/**
 * Opens `file` with `Deno.dlopen` and binds `cblas_sgemm` (or `cblas_sgemm64_`) and
 * whichever introspection symbols exist.
 *
 * @since 0.2.0
 * @category constructors
 */
export const openBlasLibraryDeno: OpenBlasLibrary = (file) => {
  const D = deno()
  if (D === undefined || typeof D.dlopen !== "function") return "Deno.dlopen is not available"
  const optional = (parameters: ReadonlyArray<string>, result: string) => ({ parameters, result, optional: true })
  let lib: ReturnType<DenoFfi["dlopen"]>
  try {
    lib = D.dlopen(file, {
      cblas_sgemm: optional(sgemmParameters("i32"), "void"),
      cblas_sgemm64_: optional(sgemmParameters("i64"), "void"),
      openblas_get_config: optional([], "pointer"),
      openblas_get_corename: optional([], "pointer"),
      openblas_get_num_threads: optional([], "i32"),
      openblas_set_num_threads: optional(["i32"], "void"),
      openblas_get_config64_: optional([], "pointer"),
      openblas_get_corename64_: optional([], "pointer"),
      openblas_get_num_threads64_: optional([], "i32"),
      openblas_set_num_threads64_: optional(["i32"], "void"),
      MKL_Get_Version_String: optional(["buffer", "i32"], "void"),
      MKL_Get_Max_Threads: optional([], "i32"),
      MKL_Set_Num_Threads: optional(["i32"], "void"),
      bli_info_get_version_str: optional([], "pointer"),
      bli_thread_get_num_threads: optional([], "i64"),
      bli_thread_set_num_threads: optional(["i64"], "void")
    })
  } catch (e) {
    return `not loadable (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`
  }
  const s = lib.symbols
  const fn = (name: string) => s[name] ?? undefined
  const ilp64 = fn("cblas_sgemm") === undefined && fn("cblas_sgemm64_") !== undefined
  const raw = fn("cblas_sgemm") ?? fn("cblas_sgemm64_")
  if (raw === undefined) {
    lib.close()
    return "no cblas_sgemm symbol"
  }
  const suffix = ilp64 ? "64_" : ""
  // i64 parameters take bigint or number; i32 ones take number.
  const sgemm = raw as CblasSgemm
  const str = (name: string) => {
    const f = fn(name)
    return f === undefined ? undefined : () => D.UnsafePointerView.getCString(f())
  }
  const num = (name: string) => {
    const f = fn(name)
    return f === undefined ? undefined : () => Number(f())
  }
  const set = (name: string, big: boolean) => {
    const f = fn(name)
    return f === undefined ? undefined : (n: number) => void f(big ? BigInt(n) : n)
  }
  const mklVersion = fn("MKL_Get_Version_String")
  const loose: { readonly [K in keyof BlasBinding]-?: BlasBinding[K] | undefined } = {
    file,
    ilp64,
    sgemm,
    openblasConfig: str(`openblas_get_config${suffix}`),
    openblasCorename: str(`openblas_get_corename${suffix}`),
    openblasGetThreads: num(`openblas_get_num_threads${suffix}`),
    openblasSetThreads: set(`openblas_set_num_threads${suffix}`, false),
    mklVersion: mklVersion === undefined ? undefined : () => {
      const buf = new Uint8Array(256)
      mklVersion(buf, buf.length)
      const end = buf.indexOf(0)
      return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end))
    },
    mklGetThreads: num("MKL_Get_Max_Threads"),
    mklSetThreads: set("MKL_Set_Num_Threads", false),
    blisVersion: str("bli_info_get_version_str"),
    blisGetThreads: num("bli_thread_get_num_threads"),
    blisSetThreads: set("bli_thread_set_num_threads", true),
    close: () => lib.close()
  }
  return Object.fromEntries(Object.entries(loose).filter(([, v]) => v !== undefined)) as unknown as BlasBinding
}

/**
 * The OS name `blasCandidates` takes (`Deno.build.os`).
 *
 * @since 0.2.0
 * @category constants
 */
export const denoOs = (): string => deno()?.build.os ?? "unknown"
