/**
 * Deno smoke test: runs the shared ops through Deno's `navigator.gpu` and prints one JSON
 * object `{ adapter, results }` (or `{ error }`) on stdout. Run from the package root:
 * `deno run --allow-all test/deno/smoke.ts`.
 */
import { makeWebGpuBackend } from "../../src/backend/webgpu/index.ts"
import { smokeOps } from "./smokeOps.ts"

try {
  const be = await makeWebGpuBackend({ label: "deno-smoke" })
  const results = await smokeOps(be)
  console.log(JSON.stringify({ adapter: be.info.adapter, nativeF16: be.info.nativeF16, results }))
  be.dispose()
} catch (e) {
  console.log(JSON.stringify({ error: String(e), stack: e instanceof Error ? e.stack : undefined }))
}
