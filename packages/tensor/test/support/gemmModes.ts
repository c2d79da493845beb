/**
 * The CPU GEMM paths every CPU matmul / attention test runs through: the JavaScript
 * kernels, the f64 reference provider (the GEMM-routed kernels with a trivially correct
 * GEMM), the system BLAS when this machine has one (required when `CI=true`: CI installs
 * OpenBLAS), and the WASM GEMM when this build has it.
 */
import type { CpuBackendOptions } from "../../src/backend/cpu/CpuBackend.ts"
import { referenceGemm } from "../../src/backend/cpu/gemm/referenceGemm.ts"
import { selectGemm, systemBlas } from "../../src/backend/cpu/gemm/selectGemm.ts"

export interface GemmMode {
  readonly name: string
  readonly options: CpuBackendOptions
}

const blas = systemBlas(true)
const wasm = (() => {
  try {
    return selectGemm("wasm").provider
  } catch {
    return undefined
  }
})()

/** Why the BLAS mode is missing, or undefined when it runs. */
export const blasMissing: string | undefined = typeof blas === "string" ? blas : undefined

export const gemmModes: ReadonlyArray<GemmMode> = [
  { name: "js", options: { gemm: "js" } },
  { name: "reference gemm", options: { gemm: referenceGemm } },
  ...(typeof blas === "string" ? [] : [{ name: "blas", options: { gemm: blas } }]),
  ...(wasm === undefined ? [] : [{ name: "wasm", options: { gemm: wasm } }])
]
