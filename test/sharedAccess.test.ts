import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"

/**
 * Tests reach `../shared` (beside the repository, absent from a fresh clone) only through
 * test/support/conformance.ts, which skips or, in CI, fails cleanly. Any other test that names
 * the folder would die with ENOENT in a clone, so this scans every test tree for it.
 */
const root = join(import.meta.dirname, "..")
const ALLOWED = new Set(["test/support/conformance.ts", "test/sharedAccess.test.ts"])

/** A path into the folder: `../shared`, `shared/reference`, `shared/msdrg`, or `"shared"` as a path segment. */
const SHARED_PATH = /\.\.\/shared\b|\bshared\/(?:reference|msdrg)\b|(["'`])shared\1/

/** Line numbers (1-based) of `text` that name the shared folder. */
export const sharedReferences = (text: string): ReadonlyArray<number> =>
  text.split("\n").flatMap((line, i) => (SHARED_PATH.test(line) ? [i + 1] : []))

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name === "dist") return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(?:[cm]?[jt]s|tsx)$/.test(name) ? [path] : []
  })

const testTrees = (): ReadonlyArray<string> => [
  join(root, "test"),
  ...["packages", "plugins", "examples"].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => join(root, group, name, "test"))
  ).filter((dir) => {
    try {
      return statSync(dir).isDirectory()
    } catch {
      return false
    }
  })
]

describe("tests reach ../shared only through the conformance helper", () => {
  it("finds the shared folder however a test names it", () => {
    expect(sharedReferences(`const x = readFileSync(new URL("../../../../shared/reference/id2label.csv", import.meta.url))`)).toEqual([1])
    expect(sharedReferences(`ok\njoin(root, "..", "shared", "msdrg")`)).toEqual([2])
    expect(sharedReferences("a\nb\nsharedPath('reference/x') // shared/reference")).toEqual([3])
    expect(sharedReferences("// a tensor's shared storage, shared by views\nconst sharedTable = 1")).toEqual([])
  })

  it("no test file outside test/support/conformance.ts names it", () => {
    const offenders = testTrees().flatMap(sourceFiles).flatMap((file) => {
      const rel = relative(root, file)
      if (ALLOWED.has(rel)) return []
      return sharedReferences(readFileSync(file, "utf8")).map((line) => `${rel}:${line}`)
    })
    expect(offenders).toEqual([])
  })
})
