import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")
const workspaces = ["packages", "plugins"].flatMap((dir) =>
  readdirSync(join(root, dir)).map((name) => join(dir, name))
)

describe("workspace conventions", () => {
  it.each(workspaces)("%s is an ESM package named @sapphire-rl/*", (dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
    expect(pkg.name).toMatch(/^@sapphire-rl\//)
    expect(pkg.type).toBe("module")
  })
  it.each(workspaces)("%s builds to dist and typechecks on its own (turbo build / typecheck)", (dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
    expect(pkg.scripts?.build).toBe("tsc -p tsconfig.build.json")
    expect(pkg.scripts?.typecheck).toBe("tsc -p tsconfig.json")
  })
  it.each(workspaces.filter((d) => d.startsWith("plugins/")))("%s depends on the spec only as a peer", (dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"))
    expect(pkg.peerDependencies?.["@sapphire-rl/spec"]).toMatch(/^\^\d+\.\d+\.\d+$/)
    const runtimeDeps = Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith("@sapphire-rl/"))
    expect(runtimeDeps).toEqual([])
  })
})
