/**
 * What `run.ts plugins` prints: every plugin a run can name, with its package, kind,
 * version, description and default options.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { FIRST_PARTY_PLUGIN_PACKAGES, loadPluginCatalog } from "./PluginCatalog.ts"

/**
 * One installed plugin.
 *
 * @since 0.1.0
 * @category models
 */
export interface PluginListing {
  readonly name: string
  readonly kind: string
  readonly packageName: string
  readonly description: string
  /** The plugin's own version, from a plugin made with default options (absent when that fails). */
  readonly version?: string
  /** The options with every default filled in (absent when some option is required). */
  readonly defaults?: unknown
}

/**
 * The installed plugins, sorted by kind then name, and the first-party packages not installed.
 *
 * @since 0.1.0
 * @category loading
 */
export const listPlugins = Effect.fn("listPlugins")(function*(
  extraPackages: ReadonlyArray<string> = [],
  firstParty: ReadonlyArray<string> = FIRST_PARTY_PLUGIN_PACKAGES
) {
  const catalog = yield* loadPluginCatalog(extraPackages, firstParty)
  const plugins = yield* Effect.forEach([...catalog.byName.values()], ({ factory, packageName }) =>
    Effect.promise(async (): Promise<PluginListing> => {
      let defaults: unknown
      let version: string | undefined
      try {
        const decoded = await factory.options["~standard"].validate({})
        if (decoded.issues === undefined) defaults = decoded.value
        version = factory({}).version
      } catch {
        // A factory that needs options, or a broken one: listed without them.
      }
      return {
        name: factory.pluginName,
        kind: factory.kind,
        packageName,
        description: factory.description,
        ...(version === undefined ? {} : { version }),
        ...(defaults === undefined ? {} : { defaults })
      }
    }))
  plugins.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
  return { plugins, missing: catalog.missing, problems: catalog.problems }
})
