import { describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { generateCases } from "../src/Generator.ts"
import { recordToJson } from "../src/Record.ts"

const root = new URL("../../../", import.meta.url).pathname

describe("runtime independence", () => {
  it("generates the same bytes under Deno as under Node (no Node-only API in the core)", () => {
    const r = spawnSync(join(root, "node_modules/.bin/deno"), ["run", "--allow-read", "--allow-env", "packages/data/test/support/denoSynth.ts"], { cwd: root, encoding: "utf8", timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    const here = [...generateCases(msdrgV34().grouper, { n: 40, seed: 19 })].map((c) => recordToJson(c.record)).join("\n")
    expect(r.stdout.trimEnd()).toBe(here)
  })
})
