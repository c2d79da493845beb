/**
 * Regenerates `src/backend/cpu/gemm/wasm/gemmModule.generated.ts` from the kernel generator
 * (`gemmKernels.ts`). Run: `npm run build:wasm-gemm -w @sapphire-rl/tensor`.
 */
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { renderGemmModuleSource } from "../src/backend/cpu/gemm/wasm/gemmModuleSource.ts"

const target = fileURLToPath(new URL("../src/backend/cpu/gemm/wasm/gemmModule.generated.ts", import.meta.url))
const source = renderGemmModuleSource()
writeFileSync(target, source)
console.log(`wrote ${target} (${source.length} characters)`)
