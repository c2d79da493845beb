import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative, sep } from "node:path"
import { describe, expect, it } from "vitest"
import { importViolations } from "./support/importRules.ts"
import type { SourceFile, WorkspaceInfo } from "./support/importRules.ts"
import { moduleReferences } from "./support/moduleSpecifiers.ts"

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

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>
const keys = (o: unknown): ReadonlySet<string> => new Set(Object.keys((o ?? {}) as object))

const workspaceInfos = (): ReadonlyArray<WorkspaceInfo> =>
  [...workspaces, ...["examples", "benchmarks", "test"].flatMap((d) =>
    d === "examples" ? readdirSync(join(root, d)).map((n) => `${d}/${n}`) : [d])
  ].map((dir) => {
    const pkg = readJson(join(root, dir, "package.json"))
    return {
      dir,
      name: pkg["name"] as string,
      isPlugin: dir.startsWith("plugins/"),
      isTooling: dir === "benchmarks" || dir === "test",
      runtimeDeps: new Set([...keys(pkg["dependencies"]), ...keys(pkg["peerDependencies"])]),
      devDeps: keys(pkg["devDependencies"])
    }
  })

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(?:[cm]?[jt]s|tsx)$/.test(name) ? [path] : []
  })

// Files that may load a module whose name this check cannot read, and why.
const OPAQUE_IMPORTS = new Map([
  ["plugins/reward-drg/bin/drgRewardNode.ts", "loads its optional peer @sapphire-rl/plugin-msdrg-v34 by name, with a clear error when absent"]
])

describe("import isolation (parsed from every source file)", () => {
  const plugin: WorkspaceInfo = {
    dir: "plugins/p", name: "@sapphire-rl/plugin-p", isPlugin: true, isTooling: false,
    runtimeDeps: new Set(["@sapphire-rl/spec", "effect"]), devDeps: new Set(["@sapphire-rl/plugin-q"])
  }
  const pkg: WorkspaceInfo = {
    dir: "packages/t", name: "@sapphire-rl/tensor", isPlugin: false, isTooling: false, runtimeDeps: new Set(), devDeps: new Set()
  }
  const check = (path: string, text: string) => importViolations([plugin, pkg], new Set(["vitest"]), [{ path, text }])

  it("reads static, type-only, re-export, side-effect and dynamic imports, not look-alikes", () => {
    const text = [
      "import { a } from \"./a.ts\"",
      "import type {",
      "  B,",
      "  C",
      "} from \"b\"",
      "export * as ns from \"c\"",
      "export { d } from \"d\"",
      "import \"e\"",
      "const f = await import(\"f\")",
      "const g = await import(name)",
      "// import { no } from \"comment\"",
      "const s = \"import { no } from 'string'\"",
      "const t = `import(\"template\") ${x ? `import(\"nested\")` : \"\"}`",
      "const r = /import(\"regex\")/ ; const u = import.meta.url",
      "export { local }",
      "export const h = 1 / 2 / 3",
      "import pkg from \"./package.json\" with { type: \"json\" }"
    ].join("\n")
    expect(moduleReferences(text)).toEqual([
      { kind: "static", specifier: "./a.ts", line: 1 },
      { kind: "static", specifier: "b", line: 2 },
      { kind: "static", specifier: "c", line: 6 },
      { kind: "static", specifier: "d", line: 7 },
      { kind: "static", specifier: "e", line: 8 },
      { kind: "dynamic", specifier: "f", line: 9 },
      { kind: "dynamic", specifier: null, line: 10 },
      { kind: "static", specifier: "./package.json", line: 17 }
    ])
  })

  it("fails a plugin that imports another workspace package, statically, by type or dynamically", () => {
    expect(check("plugins/p/src/x.ts", "import { zeros } from \"@sapphire-rl/tensor\"")).toEqual([
      "plugins/p/src/x.ts:1: plugin @sapphire-rl/plugin-p imports @sapphire-rl/tensor; plugins import only @sapphire-rl/spec and their own files"
    ])
    expect(check("plugins/p/src/x.ts", "\nimport type { Tensor } from \"@sapphire-rl/tensor\"")).toHaveLength(1)
    expect(check("plugins/p/bin/x.ts", "const m = await import(\"@sapphire-rl/tensor\")")).toHaveLength(1)
    expect(check("plugins/p/src/x.ts", "const m = await import(someName)")[0]).toMatch(/cannot read/)
  })

  it("fails undeclared third-party imports in a plugin, and passes the allowed ones", () => {
    expect(check("plugins/p/src/x.ts", "import { z } from \"zod\"")[0]).toMatch(/zod, which its package.json does not declare/)
    expect(check("plugins/p/src/x.ts", [
      "import { Effect } from \"effect\"", "import { Schema } from \"effect/Schema\"",
      "import type { Plugin } from \"@sapphire-rl/spec\"", "import { h } from \"./h.ts\"",
      "import pkg from \"@sapphire-rl/plugin-p/package.json\" with { type: \"json\" }", "import { readFile } from \"node:fs/promises\""
    ].join("\n"))).toEqual([])
    // Tests may use the plugin's dev dependencies and the root's test tools.
    expect(check("plugins/p/test/x.test.ts", "import { q } from \"@sapphire-rl/plugin-q\"\nimport { it } from \"vitest\"")).toEqual([])
    expect(check("plugins/p/src/x.ts", "import { q } from \"@sapphire-rl/plugin-q\"")).toHaveLength(1)
  })

  it("fails any file reaching into another package's src/, by relative path or by name", () => {
    expect(check("packages/t/src/a.ts", "import { b } from \"../../../plugins/p/src/b.ts\"")[0]).toMatch(
      /reaches into plugins\/p \(@sapphire-rl\/plugin-p\) by a relative path/
    )
    expect(check("plugins/p/test/a.test.ts", "import { t } from \"@sapphire-rl/tensor/src/index.ts\"")[0]).toMatch(/reaches into @sapphire-rl\/tensor's src\//)
    expect(check("packages/t/test/a.test.ts", "import { c } from \"../../../test/support/conformance.ts\"")).toEqual([])
    expect(check("packages/t/src/a.ts", "import { c } from \"../../../test/support/conformance.ts\"")).toHaveLength(1)
  })

  it("holds for every source file of the repository", () => {
    const infos = workspaceInfos()
    const rootPkg = readJson(join(root, "package.json"))
    const files: ReadonlyArray<SourceFile> = ["packages", "plugins", "examples", "benchmarks", "test"]
      .flatMap((d) => sourceFiles(join(root, d)))
      .concat(readdirSync(root).filter((n) => /\.[cm]?ts$/.test(n)).map((n) => join(root, n)))
      .map((path) => ({ path: relative(root, path).split(sep).join("/"), text: readFileSync(path, "utf8") }))
    expect(files.length).toBeGreaterThan(300)
    expect(importViolations(infos, keys(rootPkg["devDependencies"]), files, OPAQUE_IMPORTS)).toEqual([])
  })
})
