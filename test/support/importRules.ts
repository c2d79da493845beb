/**
 * The workspace's import rules, checked over the module specifiers of every source file
 * (see moduleSpecifiers.ts):
 *
 * - no package, plugin or example reaches into another workspace by a relative path, nor
 *   any file into a package's `src/` through its name (`@sapphire-rl/x/src/…`); tests may
 *   import the root `test/support/`; tooling workspaces (benchmarks, which time kernels, and
 *   the root tests) and root files may reach other workspaces' files by path;
 * - a plugin's shipped code (everything outside its `test/`) imports only `@sapphire-rl/spec`,
 *   its own files (including its own package name), Node builtins and third-party packages
 *   its package.json declares as dependencies or peer dependencies; a plugin's tests may also
 *   import what its devDependencies (or the root's) declare;
 * - a plugin's shipped code uses no dynamic `import(expr)` whose specifier cannot be read,
 *   unless the file is listed with a reason.
 *
 * @since 0.1.0
 */
import { posix } from "node:path"
import { moduleReferences } from "./moduleSpecifiers.ts"

/** One workspace: its folder (relative to the root, posix), package name and declared deps. @since 0.1.0 @category models */
export interface WorkspaceInfo {
  readonly dir: string
  readonly name: string
  readonly isPlugin: boolean
  /** Benchmarks and the root tests: tooling that may reach other workspaces' files by path (it measures and checks their internals). */
  readonly isTooling: boolean
  /** dependencies + peerDependencies. */
  readonly runtimeDeps: ReadonlySet<string>
  readonly devDeps: ReadonlySet<string>
}

/** A source file: path relative to the root (posix) and its text. @since 0.1.0 @category models */
export interface SourceFile {
  readonly path: string
  readonly text: string
}

/** Files allowed a non-literal dynamic import, with why. @since 0.1.0 @category models */
export type OpaqueImportAllowance = ReadonlyMap<string, string>

/** The package a bare specifier names (`@scope/name` or `name`). */
const packageOf = (specifier: string): string => {
  const parts = specifier.split("/")
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!
}

const isBuiltin = (specifier: string): boolean => specifier.startsWith("node:")

/**
 * Every violation of the rules in `files`, as `path:line: what`. Files outside every
 * workspace are checked only for reaching into a workspace's `src/`.
 *
 * @since 0.1.0
 * @category checks
 */
export const importViolations = (
  workspaces: ReadonlyArray<WorkspaceInfo>,
  rootDevDeps: ReadonlySet<string>,
  files: ReadonlyArray<SourceFile>,
  opaqueAllowed: OpaqueImportAllowance = new Map()
): ReadonlyArray<string> => {
  const owner = (path: string): WorkspaceInfo | undefined =>
    workspaces.find((w) => path === w.dir || path.startsWith(`${w.dir}/`))
  const byName = new Map(workspaces.map((w) => [w.name, w]))
  const out: Array<string> = []
  for (const file of files) {
    const own = owner(file.path)
    const inTests = own !== undefined && file.path.startsWith(`${own.dir}/test/`)
    const shippedPluginCode = own?.isPlugin === true && !inTests
    const report = (line: number, what: string) => out.push(`${file.path}:${line}: ${what}`)
    let refs
    try {
      refs = moduleReferences(file.text)
    } catch (e) {
      report(0, `cannot read the file's imports: ${e instanceof Error ? e.message : String(e)}`)
      continue
    }
    for (const ref of refs) {
      const spec = ref.specifier
      if (spec === null) {
        if (shippedPluginCode && !opaqueAllowed.has(file.path)) {
          report(ref.line, "a plugin's dynamic import(expr) names a module this check cannot read; use a string literal")
        }
        continue
      }
      if (spec.startsWith(".")) {
        const target = posix.normalize(posix.join(posix.dirname(file.path), spec))
        const targetOwner = owner(target)
        if (targetOwner === own || own === undefined || own.isTooling) continue
        if (inTests && target.startsWith("test/support/")) continue
        const where = targetOwner === undefined ? target : `${targetOwner.dir} (${targetOwner.name})`
        report(ref.line, `"${spec}" reaches into ${where} by a relative path; import the package by name`)
        continue
      }
      if (isBuiltin(spec)) continue
      const pkg = packageOf(spec)
      const sub = spec.slice(pkg.length + 1)
      if (byName.has(pkg) && (sub === "src" || sub.startsWith("src/"))) {
        report(ref.line, `"${spec}" reaches into ${pkg}'s src/; import what its package exports`)
        continue
      }
      if (own?.isPlugin !== true) continue
      if (pkg === "@sapphire-rl/spec" || pkg === own.name) continue
      const declared = own.runtimeDeps.has(pkg) ||
        (inTests && (own.devDeps.has(pkg) || rootDevDeps.has(pkg)))
      if (pkg.startsWith("@sapphire-rl/") && !inTests) {
        report(ref.line, `plugin ${own.name} imports ${pkg}; plugins import only @sapphire-rl/spec and their own files`)
      } else if (!declared) {
        report(ref.line, `plugin ${own.name} imports ${pkg}, which its package.json does not declare`)
      }
    }
  }
  return out
}
