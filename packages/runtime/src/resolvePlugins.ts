/**
 * Resolution: each entry of a run's plugin list to a plugin object, with its options
 * decoded by its factory's schema and its spec range checked. Every problem of every
 * entry is collected, with its path, before anything runs.
 *
 * @since 0.1.0
 */
import type { AnyPlugin, PluginFactory } from "@sapphire-rl/spec"
import { definePlugin, specRangeProblem } from "@sapphire-rl/spec"
import { Effect } from "effect"
import { type ConfigIssue, issueAt } from "./ConfigIssue.ts"
import { type PluginCatalog, pluginFactoriesOf } from "./PluginCatalog.ts"
import { PluginImporter } from "./PluginImporter.ts"
import type { PluginEntry } from "./RunConfig.ts"

/**
 * A plugin and where the run named it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedPlugin {
  readonly plugin: AnyPlugin
  /** Index in the run's plugin list. */
  readonly index: number
  /** How it was named: a short name, `package` / `package:name`, or `(object)`. */
  readonly source: string
}

/**
 * Plugins in list order, or every problem found.
 *
 * @since 0.1.0
 * @category models
 */
export type Resolution =
  | { readonly _tag: "Resolved"; readonly plugins: ReadonlyArray<ResolvedPlugin> }
  | { readonly _tag: "Invalid"; readonly issues: ReadonlyArray<ConfigIssue> }

const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * "unknown plugin" with the valid choices.
 *
 * @since 0.1.0
 * @category formatting
 */
export const unknownPluginMessage = (name: string, catalog: PluginCatalog): string => {
  const choices = [...catalog.byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([short, entry]) => `${short} (${entry.factory.kind})`)
  const known = choices.length === 0 ? "no plugin packages are installed" : `valid short names: ${choices.join(", ")}`
  const missing = catalog.missing.length === 0 ? "" : `; not installed: ${catalog.missing.join(", ")}`
  return `unknown plugin ${JSON.stringify(name)}; ${known}${missing}; or the name of an installed package that exports sapphirePlugins`
}

type Lookup = { readonly factory: PluginFactory<any, AnyPlugin>; readonly source: string } | { readonly problem: string }

const lookupFactory = Effect.fnUntraced(function*(use: string, catalog: PluginCatalog) {
  const importer = yield* PluginImporter
  const colon = use.lastIndexOf(":")
  const packageName = colon > 0 ? use.slice(0, colon) : use
  const wanted = colon > 0 ? use.slice(colon + 1) : undefined
  if (wanted === undefined) {
    const entry = catalog.byName.get(use)
    if (entry !== undefined) return { factory: entry.factory, source: use } satisfies Lookup
  }
  const isPath = packageName.startsWith(".") || packageName.startsWith("/")
  if (!isPath && !PACKAGE_NAME.test(packageName)) return { problem: unknownPluginMessage(use, catalog) } satisfies Lookup
  let factories = catalog.packages.get(packageName)
  if (factories === undefined) {
    const module = yield* Effect.result(importer.importModule(packageName))
    if (module._tag === "Failure") {
      return {
        problem: module.failure.notFound ? unknownPluginMessage(use, catalog) : module.failure.message
      } satisfies Lookup
    }
    const found = pluginFactoriesOf(packageName, module.success)
    if ("problem" in found) return found satisfies Lookup
    factories = found.factories
  }
  const names = factories.map((f) => `${packageName}:${f.pluginName}`)
  if (wanted !== undefined) {
    const factory = factories.find((f) => f.pluginName === wanted)
    return factory === undefined
      ? { problem: `package ${packageName} has no plugin ${JSON.stringify(wanted)}; it has ${names.join(", ")}` }
      : { factory, source: use }
  }
  const [only, ...rest] = factories
  if (only === undefined) return { problem: `package ${packageName} exports no plugins` } satisfies Lookup
  if (rest.length > 0) {
    return { problem: `package ${packageName} has several plugins; name one: ${names.join(", ")}` } satisfies Lookup
  }
  return { factory: only, source: packageName } satisfies Lookup
})

/** Decodes options with the factory's Standard Schema; issues prefixed with `prefix`. */
const decodeOptions = (factory: PluginFactory<any, AnyPlugin>, options: unknown, prefix: string) =>
  Effect.promise(async () => {
    try {
      const result = await factory.options["~standard"].validate(options)
      return result.issues === undefined ? [] : result.issues.map((issue) => issueAt(options, issue, prefix))
    } catch (e) {
      return [{ path: prefix, message: `options schema of ${factory.pluginName} threw: ${errorMessage(e)}` }]
    }
  })

/** The checks a plugin object must pass whatever made it: the spec range, then the kind's contract. */
const pluginProblem = (plugin: AnyPlugin): string | undefined => {
  const range = specRangeProblem(plugin)
  if (range !== undefined) return range
  try {
    definePlugin(plugin)
    return undefined
  } catch (e) {
    return errorMessage(e)
  }
}

const resolveEntry = Effect.fnUntraced(function*(entry: PluginEntry, index: number, catalog: PluginCatalog) {
  const at = `plugins[${index}]`
  const issue = (path: string, message: string): { readonly issues: ReadonlyArray<ConfigIssue> } => ({ issues: [{ path, message }] })
  if (!entry) return { skipped: true } as const
  let made: { readonly plugin: AnyPlugin; readonly source: string }
  if (typeof entry === "string" || (typeof entry === "object" && entry !== null && "use" in entry)) {
    const ref = typeof entry === "string" ? { use: entry, options: undefined } : entry
    const usePath = typeof entry === "string" ? at : `${at}.use`
    const lookup = yield* lookupFactory(ref.use, catalog)
    if ("problem" in lookup) return issue(usePath, lookup.problem)
    const options = ref.options ?? {}
    const optionIssues = yield* decodeOptions(lookup.factory, options, `${at}.options`)
    if (optionIssues.length > 0) return { issues: optionIssues }
    try {
      made = { plugin: lookup.factory(options), source: lookup.source }
    } catch (e) {
      return issue(at, `${lookup.factory.pluginName}: ${errorMessage(e)}`)
    }
  } else if (typeof entry === "function") {
    const optionIssues = yield* decodeOptions(entry, {}, `${at}.options`)
    if (optionIssues.length > 0) return { issues: optionIssues }
    try {
      made = { plugin: entry({}), source: entry.pluginName }
    } catch (e) {
      return issue(at, `${entry.pluginName}: ${errorMessage(e)}`)
    }
  } else if (typeof entry === "object" && entry !== null) {
    made = { plugin: entry, source: "(object)" }
  } else {
    return { skipped: true } as const
  }
  const problem = pluginProblem(made.plugin)
  if (problem !== undefined) return issue(at, problem)
  return { resolved: { plugin: made.plugin, index, source: made.source } satisfies ResolvedPlugin }
})

/**
 * Resolves every entry (falsy ones are skipped): all problems, or all plugins in list order.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolvePlugins = Effect.fn("resolvePlugins")(function*(
  entries: ReadonlyArray<PluginEntry>,
  catalog: PluginCatalog
) {
  const results = yield* Effect.forEach(entries, (entry, index) => resolveEntry(entry, index, catalog), {
    concurrency: 8
  })
  const issues: Array<ConfigIssue> = []
  const plugins: Array<ResolvedPlugin> = []
  for (const result of results) {
    if ("issues" in result) issues.push(...result.issues)
    else if ("resolved" in result) plugins.push(result.resolved)
  }
  return (issues.length > 0 ? { _tag: "Invalid", issues } : { _tag: "Resolved", plugins }) satisfies Resolution as Resolution
})
