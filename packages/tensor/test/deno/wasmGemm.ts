/**
 * Deno run of the WASM GEMM checks with web workers: prints one JSON line
 * `{ name, cases, failures }` (or `{ error }`). From the package root:
 * `deno run --allow-read test/deno/wasmGemm.ts`.
 */
import { makeWasmGemm } from "../../src/backend/cpu/gemm/wasm/index.ts"
import { checkGemm, gemmCases } from "./wasmGemmCases.ts"

try {
  const cases = gemmCases()
  const results: Array<{ name: string; failures: Array<string> }> = []
  for (const threads of [1, 2]) {
    const gemm = await makeWasmGemm({ threads, minThreadedFlops: 0, adaptive: false })
    results.push({ name: gemm.name, failures: checkGemm(gemm, cases) })
    gemm.close?.()
  }
  console.log(JSON.stringify({ cases: cases.length, results }))
} catch (e) {
  console.log(JSON.stringify({ error: String(e), stack: e instanceof Error ? e.stack : undefined }))
}
