/**
 * Resolving plugin packages from a project directory (Node): a package installed in the
 * user's project is found even when the runtime itself is installed elsewhere (a global
 * `npx`, a monorepo); relative paths load a local plugin file.
 *
 * @since 0.1.0
 */
import { existsSync, readFileSync } from "node:fs"
import { dirname, isAbsolute, join, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Effect, Layer } from "effect"
import { isModuleNotFound, PluginImporter, PluginImportError } from "../PluginImporter.ts"

type Exports = string | { readonly [key: string]: Exports } | ReadonlyArray<Exports> | null

const CONDITIONS = ["import", "node", "default"]

const pickTarget = (value: Exports | undefined): string | undefined => {
  if (typeof value === "string") return value
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = pickTarget(v as Exports)
      if (t !== undefined) return t
    }
    return undefined
  }
  if (value === null || value === undefined || typeof value !== "object") return undefined
  const record = value as { readonly [key: string]: Exports }
  for (const condition of CONDITIONS) {
    if (condition in record) {
      const t = pickTarget(record[condition])
      if (t !== undefined) return t
    }
  }
  return undefined
}

/** The file a package's `exports` (or `main`) maps `subpath` (`.` or `./x`) to. */
const entryOf = (packageDir: string, subpath: string): string | undefined => {
  const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    readonly exports?: Exports
    readonly main?: string
    readonly module?: string
  }
  if (pkg.exports !== undefined) {
    const exports = pkg.exports
    const map = typeof exports === "object" && exports !== null && !Array.isArray(exports) &&
        Object.keys(exports).some((k) => k.startsWith("."))
      ? (exports as { readonly [key: string]: Exports })[subpath]
      : subpath === "."
      ? exports
      : undefined
    const target = pickTarget(map)
    return target === undefined ? undefined : join(packageDir, target)
  }
  if (subpath !== ".") return join(packageDir, subpath)
  return join(packageDir, pkg.module ?? pkg.main ?? "index.js")
}

const splitSpecifier = (specifier: string): { readonly name: string; readonly subpath: string } => {
  const parts = specifier.split("/")
  const count = specifier.startsWith("@") ? 2 : 1
  const rest = parts.slice(count)
  return { name: parts.slice(0, count).join("/"), subpath: rest.length === 0 ? "." : `./${rest.join("/")}` }
}

/**
 * The file a bare specifier resolves to from `root` (walking up `node_modules`), or
 * `undefined` when no enclosing `node_modules` has the package.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolvePackageFrom = (root: string, specifier: string): string | undefined => {
  const { name, subpath } = splitSpecifier(specifier)
  for (let dir = resolve(root);; dir = dirname(dir)) {
    const packageDir = join(dir, "node_modules", name)
    if (existsSync(join(packageDir, "package.json"))) return entryOf(packageDir, subpath)
    if (dirname(dir) === dir) return undefined
  }
}

const importUrl = (specifier: string, url: string) =>
  Effect.tryPromise({
    try: () => import(url) as Promise<unknown>,
    catch: (cause) => new PluginImportError({ specifier, notFound: isModuleNotFound(specifier, cause), cause })
  })

/**
 * Resolves package names from `root` first (then from the runtime's own location, so a
 * monorepo's workspace packages are found), and `./file.ts` / absolute paths against `root`.
 *
 * @since 0.1.0
 * @category layers
 */
export const pluginImporterFrom = (root: string): Layer.Layer<PluginImporter> =>
  Layer.succeed(PluginImporter, {
    importModule: Effect.fn("PluginImporter.importModule")(function*(specifier: string) {
      if (specifier.startsWith(".") || isAbsolute(specifier)) {
        const file = resolve(root, specifier)
        if (!existsSync(file)) {
          return yield* new PluginImportError({ specifier, notFound: true, cause: new Error(`no file ${file}`) })
        }
        return yield* importUrl(specifier, pathToFileURL(file).href)
      }
      const file = yield* Effect.try({
        try: () => resolvePackageFrom(root, specifier),
        catch: (cause) => new PluginImportError({ specifier, notFound: false, cause })
      })
      if (file !== undefined) return yield* importUrl(specifier, pathToFileURL(file).href)
      return yield* Effect.tryPromise({
        try: () => import(specifier) as Promise<unknown>,
        catch: (cause) => new PluginImportError({ specifier, notFound: isModuleNotFound(specifier, cause), cause })
      })
    })
  })
