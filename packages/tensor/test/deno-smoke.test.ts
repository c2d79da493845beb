/**
 * Runs the shared smoke ops under Deno (its own WebGPU, `navigator.gpu`, importing the
 * package sources as they are) and compares them with the same ops on Dawn in Node.
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, expect, it } from "vitest"
import { makeWebGpuBackend, type WebGpuBackend } from "../src/backend/webgpu/index.ts"
import { smokeOps } from "./deno/smokeOps.ts"
import { describeWebGpu } from "./webgpuHarness.ts"

const packageRoot = fileURLToPath(new URL("..", import.meta.url))
const deno = fileURLToPath(new URL("../../../node_modules/.bin/deno", import.meta.url))
const noDeno = existsSync(deno) ? undefined : `no deno binary at ${deno} (npm ci installs it)`

describeWebGpu("deno smoke", {
  timeout: 180_000
}, () => {
  let dawn: WebGpuBackend | undefined
  afterAll(() => dawn?.dispose())

  it("Deno's navigator.gpu runs the kernels and agrees with Dawn in Node", async () => {
    const proc = spawnSync(deno, ["run", "--allow-all", "test/deno/smoke.ts"], {
      cwd: packageRoot,
      encoding: "utf8",
      timeout: 170_000,
      env: { ...process.env, NO_COLOR: "1" }
    })
    const line = proc.stdout.trim().split("\n").at(-1) ?? ""
    expect(proc.status, `deno stderr: ${proc.stderr}`).toBe(0)
    const parsed = JSON.parse(line) as { error?: string; adapter?: string; results?: Record<string, Array<number>> }
    expect(parsed.error, parsed.error).toBeUndefined()
    expect(parsed.adapter?.length).toBeGreaterThan(0)
    dawn = await makeWebGpuBackend({ label: "deno-compare" })
    const node = await smokeOps(dawn)
    const denoResults = parsed.results!
    expect(Object.keys(denoResults).sort()).toEqual(Object.keys(node).sort())
    for (const [name, values] of Object.entries(node)) {
      const other = denoResults[name]!
      expect(other.length, name).toBe(values.length)
      // Integer outputs (Philox uniform bits, argmax, f16 bit patterns) must match exactly; float
      // kernels are the same WGSL compiled by two compilers (Tint / Naga) that may contract
      // or reorder f32 arithmetic: atol 1e-5 + rtol 1e-5.
      const exact = name === "randomUniform" || name === "argmax" || name === "copyTransposeF16"
      values.forEach((x, i) => {
        const y = other[i]!
        const ok = exact ? x === y : Math.abs(x - y) <= 1e-5 + 1e-5 * Math.abs(x)
        if (!ok) expect.fail(`${name}[${i}]: node ${x} vs deno ${y}`)
      })
    }
  })
}, noDeno)
