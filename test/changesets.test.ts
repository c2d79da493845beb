import { assembleReleasePlan } from "@changesets/assemble-release-plan"
import { readConfig } from "@changesets/config"
import { getPackages } from "@manypkg/get-packages"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

// The versioning policy of CONTRIBUTING.md, checked with the release planner that
// `changeset version` itself uses, on this repository's real packages and config.
const root = join(import.meta.dirname, "..")

const plan = async (bump: "patch" | "minor" | "major") => {
  const packages = await getPackages(root)
  const parsed = await readConfig(root, packages)
  if (parsed.config === undefined) throw new Error(`invalid .changeset/config.json: ${parsed.errors.join("; ")}`)
  return assembleReleasePlan(
    [{ id: "spec-change", summary: "spec change", releases: [{ name: "@sapphire-rl/spec", type: bump }] }],
    packages,
    parsed.config,
    undefined
  )
}

describe("changesets policy", () => {
  it("a minor spec release releases no plugin", async () => {
    const releases = (await plan("minor")).releases.filter((r) => r.type !== "none")
    expect(releases.map((r) => r.name)).toEqual(["@sapphire-rl/spec"])
  })
  it("a major spec release reaches the plugins, without forcing them to a major", async () => {
    const releases = (await plan("major")).releases.filter((r) => r.type !== "none")
    const plugins = releases.filter((r) => r.name.startsWith("@sapphire-rl/plugin-"))
    expect(plugins.length).toBeGreaterThan(0)
    for (const p of plugins) expect(p.type).not.toBe("major")
  })
})
