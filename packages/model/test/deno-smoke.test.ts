import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { drgTinyTokenizer } from "../src/index.ts"

const deno = fileURLToPath(new URL("../../../node_modules/.bin/deno", import.meta.url))
const packageRoot = fileURLToPath(new URL("..", import.meta.url))
const reason = existsSync(deno) ? undefined : `no deno binary at ${deno} (npm ci installs it)`

describe.skipIf(reason !== undefined)(`model core on Deno${reason === undefined ? "" : ` (skipped: ${reason})`}`, () => {
  it("loads a snapshot, runs Qwen2 on the CPU backend and tokenizes as in Node", () => {
    const proc = spawnSync(deno, ["run", "--allow-read", "test/deno/smoke.ts"], {
      cwd: packageRoot,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1" }
    })
    expect(proc.status, proc.stderr).toBe(0)
    const result = JSON.parse(proc.stdout.trim().split("\n").at(-1) ?? "{}") as { error?: string; relError?: number; tokens?: Array<number> }
    expect(result.error, result.error).toBeUndefined()
    expect(result.relError).toBeLessThan(1e-4)
    expect(result.tokens).toEqual(drgTinyTokenizer().encode("SEPTICEMIA WITH MCC"))
  })
})
