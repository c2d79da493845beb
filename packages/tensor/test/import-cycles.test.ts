/**
 * The backend layer has no import cycles (type-only imports included): the kernel
 * catalogue, the backend interface, the kernel table and the kernels each depend one way.
 * The front end (Tensor ↔ ops ↔ autograd) is mutually recursive by design and not checked.
 */
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"

const src = join(import.meta.dirname, "..", "src")

const tsFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  )

/** Relative `import … from` / `export … from` targets of a file, resolved to paths. */
const importsOf = (file: string): Array<string> =>
  [...readFileSync(file, "utf8").matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+"(\.{1,2}\/[^"]+)"/gms)].map((m) =>
    resolve(dirname(file), m[1]!)
  )

/** Every cycle reachable in the graph restricted to `files`, as "a -> b -> a". */
const cycles = (files: ReadonlyArray<string>): Array<string> => {
  const inside = new Set(files)
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((d) => inside.has(d))]))
  const state = new Map<string, "open" | "done">()
  const stack: Array<string> = []
  const found: Array<string> = []
  const visit = (f: string): void => {
    state.set(f, "open")
    stack.push(f)
    for (const d of graph.get(f)!) {
      if (state.get(d) === "open") {
        found.push([...stack.slice(stack.indexOf(d)), d].map((p) => relative(src, p)).join(" -> "))
      } else if (state.get(d) === undefined) visit(d)
    }
    stack.pop()
    state.set(f, "done")
  }
  for (const f of files) if (state.get(f) === undefined) visit(f)
  return found
}

describe("import graph", () => {
  it("finds a cycle when there is one (the checker can fail)", () => {
    // The front end is known to be cyclic (Tensor.ts imports ops that import Tensor.ts).
    expect(cycles(tsFiles(join(src, "tensor")).concat(tsFiles(join(src, "ops")))).length).toBeGreaterThan(0)
  })

  it("has no cycles under src/backend", () => {
    const files = tsFiles(join(src, "backend"))
    expect(files.length).toBeGreaterThan(40)
    expect(cycles(files)).toEqual([])
  })
})
