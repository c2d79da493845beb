/**
 * The Node side of the BLAS provider: binds a library's CBLAS symbols through `koffi`
 * (prebuilt FFI binaries in its npm package; nothing is compiled at install time).
 * koffi is required lazily, on the first open, so importing the tensor package never
 * loads a native module.
 *
 * @since 0.2.0
 */
import { createRequire } from "node:module"
import type { BlasBinding, CblasSgemm, OpenBlasLibrary } from "./BlasBinding.ts"

type Koffi = typeof import("koffi")
type Library = ReturnType<Koffi["load"]>

let koffi: Koffi | string | undefined

const loadKoffi = (): Koffi | string => {
  if (koffi === undefined) {
    try {
      koffi = createRequire(import.meta.url)("koffi") as Koffi
    } catch (e) {
      koffi = `the koffi FFI module did not load (${e instanceof Error ? e.message : String(e)})`
    }
  }
  return koffi
}

/** A function bound from `lib`, or undefined when the library does not export it. */
const bind = <F>(lib: Library, definition: string): F | undefined => {
  try {
    return lib.func(definition) as F
  } catch {
    return undefined
  }
}

/**
 * Opens `file` with koffi and binds `cblas_sgemm` (or the ILP64 `cblas_sgemm64_`) and
 * whichever introspection symbols exist.
 *
 * @since 0.2.0
 * @category constructors
 */
export const openBlasLibraryNode: OpenBlasLibrary = (file) => {
  const k = loadKoffi()
  if (typeof k === "string") return k
  let lib: Library
  try {
    lib = k.load(file)
  } catch (e) {
    return `not loadable (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`
  }
  const args = (int: string) =>
    `(int, int, int, ${int}, ${int}, ${int}, float, const float *, ${int}, const float *, ${int}, float, float *, ${int})`
  let ilp64 = false
  let sgemm = bind<CblasSgemm>(lib, `void cblas_sgemm${args("int")}`)
  if (sgemm === undefined) {
    sgemm = bind<CblasSgemm>(lib, `void cblas_sgemm64_${args("int64_t")}`)
    ilp64 = sgemm !== undefined
  }
  if (sgemm === undefined) {
    lib.unload()
    return "no cblas_sgemm symbol"
  }
  const suffix = ilp64 ? "64_" : ""
  const mklVersionString = bind<(buf: Uint8Array, len: number) => void>(lib, "void MKL_Get_Version_String(void *, int)")
  const blisThreads = bind<() => number | bigint>(lib, "int64_t bli_thread_get_num_threads()")
  const blisSet = bind<(n: number) => void>(lib, "void bli_thread_set_num_threads(int64_t)")
  const binding: Loose<BlasBinding> = {
    file,
    ilp64,
    sgemm,
    openblasConfig: bind(lib, `const char * openblas_get_config${suffix}()`),
    openblasCorename: bind(lib, `const char * openblas_get_corename${suffix}()`),
    openblasGetThreads: bind(lib, `int openblas_get_num_threads${suffix}()`),
    openblasSetThreads: bind(lib, `void openblas_set_num_threads${suffix}(int)`),
    mklVersion: mklVersionString === undefined ? undefined : () => {
      const buf = new Uint8Array(256)
      mklVersionString(buf, buf.length)
      const end = buf.indexOf(0)
      return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end))
    },
    mklGetThreads: bind(lib, "int MKL_Get_Max_Threads()"),
    mklSetThreads: bind(lib, "void MKL_Set_Num_Threads(int)"),
    blisVersion: bind(lib, "const char * bli_info_get_version_str()"),
    blisGetThreads: blisThreads === undefined ? undefined : () => Number(blisThreads()),
    blisSetThreads: blisSet,
    close: () => lib.unload()
  }
  return dropUndefined(binding)
}

type Loose<T> = { readonly [K in keyof T]-?: T[K] | undefined }

/** `exactOptionalPropertyTypes`: absent symbols are left out, not set to undefined. */
const dropUndefined = (b: Loose<BlasBinding>): BlasBinding =>
  Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as unknown as BlasBinding

/**
 * The OS name `blasCandidates` takes.
 *
 * @since 0.2.0
 * @category constants
 */
export const nodeOs = (): string => process.platform
