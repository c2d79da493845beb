/**
 * What a runtime's FFI (koffi on Node, `Deno.dlopen` on Deno) hands the BLAS provider:
 * `cblas_sgemm` and the optional introspection and threading entry points of the
 * libraries we know. The runtime files only bind symbols; everything else (which
 * library it is, the thread count, argument checks, batching) is shared.
 *
 * @since 0.2.0
 */

/** CBLAS enum values (cblas.h). @since 0.2.0 @category constants */
export const CblasRowMajor = 101
/** @since 0.2.0 @category constants */
export const CblasNoTrans = 111
/** @since 0.2.0 @category constants */
export const CblasTrans = 112

/**
 * `cblas_sgemm` with its C arguments in order; the arrays are views whose first element
 * is the operand's first element (the runtime passes the view's address, no copy).
 *
 * @since 0.2.0
 * @category models
 */
export type CblasSgemm = (
  order: number,
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number
) => void

/**
 * One opened BLAS library. Every optional member is present only when the library
 * exports the symbol.
 *
 * @since 0.2.0
 * @category models
 */
export interface BlasBinding {
  /** The file name or path that was opened, e.g. `libopenblas.so.0`. */
  readonly file: string
  /** Integers are 64-bit (`cblas_sgemm64_`, OpenBLAS built with INTERFACE64). */
  readonly ilp64: boolean
  readonly sgemm: CblasSgemm
  /** OpenBLAS: `openblas_get_config()`, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH USE_OPENMP Cooperlake MAX_THREADS=64`. */
  readonly openblasConfig?: () => string
  readonly openblasCorename?: () => string
  readonly openblasGetThreads?: () => number
  readonly openblasSetThreads?: (n: number) => void
  /** MKL: `MKL_Get_Version_String`. */
  readonly mklVersion?: () => string
  readonly mklGetThreads?: () => number
  readonly mklSetThreads?: (n: number) => void
  /** BLIS: `bli_info_get_version_str()`. */
  readonly blisVersion?: () => string
  readonly blisGetThreads?: () => number
  readonly blisSetThreads?: (n: number) => void
  /** Unloads the library where the runtime allows it. */
  readonly close: () => void
}

/**
 * Opens one library by file name or path, or returns a sentence saying why not (not
 * found, no `cblas_sgemm`, FFI unavailable).
 *
 * @since 0.2.0
 * @category models
 */
export type OpenBlasLibrary = (file: string) => BlasBinding | string
