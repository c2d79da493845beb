/**
 * The plugins a run can name by short name: the factories exported (`sapphirePlugins`)
 * by the first-party plugin packages that are installed, and by any package the run
 * lists in `pluginPackages`.
 *
 * @since 0.1.0
 */
import type { AnyPlugin, PluginFactory } from "@sapphire-rl/spec"
import { Effect } from "effect"
import { PluginImporter, type PluginImportError } from "./PluginImporter.ts"

/**
 * The first-party plugin packages, looked for on every run. Missing ones are skipped (and
 * named when a short name is not found), so the runtime works with any subset installed.
 *
 * @since 0.1.0
 * @category constants
 */
export const FIRST_PARTY_PLUGIN_PACKAGES: ReadonlyArray<string> = [
  "@sapphire-rl/plugin-reward-drg",
  "@sapphire-rl/plugin-loss",
  "@sapphire-rl/plugin-kl",
  "@sapphire-rl/plugin-resampling",
  "@sapphire-rl/plugin-curriculum",
  "@sapphire-rl/plugin-staged",
  "@sapphire-rl/plugin-cognitive"
]

/**
 * A factory and the package it came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface CatalogEntry {
  readonly factory: PluginFactory<any, AnyPlugin>
  readonly packageName: string
}

/**
 * The factories found, by short name, and which packages could not be loaded.
 *
 * @since 0.1.0
 * @category models
 */
export interface PluginCatalog {
  readonly byName: ReadonlyMap<string, CatalogEntry>
  /** Factories of each package loaded, in export order. */
  readonly packages: ReadonlyMap<string, ReadonlyArray<PluginFactory<any, AnyPlugin>>>
  /** Packages looked for but not installed. */
  readonly missing: ReadonlyArray<string>
  /** Packages that are installed but broken (failed to load, bad `sapphirePlugins`, duplicate names). */
  readonly problems: ReadonlyArray<string>
}

const isFactory = (u: unknown): u is PluginFactory<any, AnyPlugin> =>
  typeof u === "function" && typeof (u as { pluginName?: unknown }).pluginName === "string" &&
  typeof (u as { kind?: unknown }).kind === "string" &&
  typeof (u as { options?: { "~standard"?: unknown } }).options?.["~standard"] === "object"

/**
 * The factories a module exports as `sapphirePlugins` (an array of factories, or
 * `{ plugins: [...] }` as the `PluginPackage` interface), or why there are none.
 *
 * @since 0.1.0
 * @category utils
 */
export const pluginFactoriesOf = (
  packageName: string,
  module: unknown
): { readonly factories: ReadonlyArray<PluginFactory<any, AnyPlugin>> } | { readonly problem: string } => {
  const exported = typeof module === "object" && module !== null ? (module as { sapphirePlugins?: unknown }).sapphirePlugins : undefined
  const list = Array.isArray(exported)
    ? exported
    : typeof exported === "object" && exported !== null && Array.isArray((exported as { plugins?: unknown }).plugins)
    ? (exported as { plugins: ReadonlyArray<unknown> }).plugins
    : undefined
  if (list === undefined) {
    return { problem: `package ${packageName} does not export sapphirePlugins (an array of plugin factories)` }
  }
  const bad = list.findIndex((f) => !isFactory(f))
  if (bad >= 0) {
    return {
      problem: `package ${packageName}: sapphirePlugins[${bad}] is not a plugin factory (made with definePluginFactory: pluginName, kind, options schema)`
    }
  }
  return { factories: list as ReadonlyArray<PluginFactory<any, AnyPlugin>> }
}

/**
 * Loads a plugin package's factories.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadPluginPackage = Effect.fn("loadPluginPackage")(function*(packageName: string) {
  const importer = yield* PluginImporter
  const module = yield* importer.importModule(packageName)
  return pluginFactoriesOf(packageName, module)
})

/**
 * Builds the catalog from the first-party packages and `extraPackages`, importing them
 * concurrently. Two factories with one short name is a problem reported, not a silent
 * override.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadPluginCatalog = Effect.fn("loadPluginCatalog")(function*(
  extraPackages: ReadonlyArray<string> = [],
  firstParty: ReadonlyArray<string> = FIRST_PARTY_PLUGIN_PACKAGES
) {
  const names = [...new Set([...firstParty, ...extraPackages])]
  const loaded = yield* Effect.forEach(
    names,
    (name) => Effect.result(loadPluginPackage(name)).pipe(Effect.map((result) => ({ name, result }))),
    { concurrency: 8 }
  )
  const byName = new Map<string, CatalogEntry>()
  const packages = new Map<string, ReadonlyArray<PluginFactory<any, AnyPlugin>>>()
  const missing: Array<string> = []
  const problems: Array<string> = []
  for (const { name, result } of loaded) {
    if (result._tag === "Failure") {
      const error: PluginImportError = result.failure
      // A first-party package may simply not be installed; a package the run names must be.
      if (error.notFound && firstParty.includes(name) && !extraPackages.includes(name)) missing.push(name)
      else problems.push(error.message)
      continue
    }
    if ("problem" in result.success) {
      problems.push(result.success.problem)
      continue
    }
    packages.set(name, result.success.factories)
    for (const factory of result.success.factories) {
      const previous = byName.get(factory.pluginName)
      if (previous !== undefined) {
        problems.push(`plugin name ${factory.pluginName} is exported by both ${previous.packageName} and ${name}`)
        continue
      }
      byName.set(factory.pluginName, { factory, packageName: name })
    }
  }
  return { byName, packages, missing, problems } satisfies PluginCatalog
})
