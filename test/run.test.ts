import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")
const tsx = join(root, "node_modules", ".bin", "tsx")
const run = (...args: Array<string>) => spawnSync(tsx, ["run.ts", ...args], { cwd: root, encoding: "utf8" })

describe("run.ts", () => {
  it("prints the plan and the available tools, and says no training ran", () => {
    const r = run()
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/pipeline is not implemented yet/)
    for (const tool of ["msdrg group", "sapphire-data synth", "sapphire-model"]) expect(r.stdout).toContain(tool)
  })
  it("rejects an unknown subcommand with exit code 2", () => {
    const r = run("bogus")
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/unknown subcommand "bogus"/)
  })
})
