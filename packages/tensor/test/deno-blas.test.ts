/**
 * Runs test/deno/blas.ts under Deno: the system BLAS opened with `Deno.dlopen` agrees with
 * the f64 reference. Skipped with a reason when there is no deno binary or no BLAS (required
 * when `CI=true`, where both are installed).
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"
import { blasMissing } from "./support/gemmModes.ts"

const packageRoot = fileURLToPath(new URL("..", import.meta.url))
const deno = fileURLToPath(new URL("../../../node_modules/.bin/deno", import.meta.url))
const skip = process.env["CI"] === "true"
  ? undefined
  : !existsSync(deno)
  ? `no deno binary at ${deno} (npm ci installs it)`
  : blasMissing

it.skipIf(skip !== undefined)(`Deno.dlopen BLAS matches the f64 reference${skip === undefined ? "" : ` (skipped: ${skip})`}`, () => {
  const proc = spawnSync(deno, ["run", "--allow-ffi", "--allow-read", "--allow-env", "test/deno/blas.ts"], {
    cwd: packageRoot,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1" }
  })
  expect(proc.status, `deno stderr: ${proc.stderr}`).toBe(0)
  const parsed = JSON.parse(proc.stdout.trim().split("\n").at(-1) ?? "{}") as { error?: string; gemm?: string; worst?: number }
  expect(parsed.error, parsed.error).toBeUndefined()
  expect(parsed.gemm).toMatch(/\(asked for\)$/)
  expect(parsed.worst).toBeLessThanOrEqual(1)
}, 130_000)
