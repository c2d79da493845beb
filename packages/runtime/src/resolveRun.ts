/**
 * decode → resolve → validate: a run config as the user wrote it, to a config with
 * defaults and a checked plugin set, or one `RunConfigError` listing every problem.
 *
 * @since 0.1.0
 */
import type { Phase } from "@sapphire-rl/spec"
import { Effect } from "effect"
import { applySettings } from "./applySettings.ts"
import { type ConfigIssue, runConfigError } from "./ConfigIssue.ts"
import { decodeRunConfig } from "./decodeRunConfig.ts"
import { FIRST_PARTY_PLUGIN_PACKAGES, loadPluginCatalog, type PluginCatalog } from "./PluginCatalog.ts"
import { checkSlots, makePluginSet, type PluginSet } from "./PluginSet.ts"
import { type ResolvedPlugin, resolvePlugins } from "./resolvePlugins.ts"
import type { RunConfig } from "./RunConfig.ts"

/**
 * A run ready to compose.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedRun {
  readonly config: RunConfig
  readonly plugins: PluginSet
  /** The plugins as the run listed them (falsy entries dropped), with where each came from. */
  readonly resolved: ReadonlyArray<ResolvedPlugin>
  readonly catalog: PluginCatalog
}

/**
 * Decodes, resolves and validates a run config.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolveRun = Effect.fn("resolveRun")(function*(
  input: unknown,
  options: {
    readonly firstPartyPackages?: ReadonlyArray<string>
    /** `--set key=value` overrides (see `applySettings`). */
    readonly settings?: ReadonlyArray<string>
  } = {}
) {
  // The catalog first: `--set loss.x=…` finds the loss entry through its factory's kind.
  const raw = typeof input === "object" && input !== null ? (input as { pluginPackages?: unknown }).pluginPackages : undefined
  const packages = Array.isArray(raw) ? raw.filter((p): p is string => typeof p === "string" && p !== "") : []
  const catalog = yield* loadPluginCatalog(packages, options.firstPartyPackages ?? FIRST_PARTY_PLUGIN_PACKAGES)
  const settings = options.settings ?? []
  const applied = settings.length === 0 ? { config: input, issues: [] } : applySettings(input, settings, catalog)
  if (applied.issues.length > 0) return yield* runConfigError(applied.issues)
  const config = yield* decodeRunConfig(applied.config)
  const issues: Array<ConfigIssue> = []
  if (config.training.mode === "lora" && "preset" in config.model) {
    issues.push({ path: "training.mode", message: `LoRA needs a pretrained base: set model.dir (a preset is trained from scratch, mode "full")` })
  }
  config.pluginPackages.forEach((name, j) => {
    if (!catalog.packages.has(name)) {
      const problem = catalog.problems.find((p) => p.includes(name)) ?? `package ${name} could not be loaded`
      issues.push({ path: `pluginPackages[${j}]`, message: problem })
    }
  })
  for (const problem of catalog.problems) {
    if (!config.pluginPackages.some((name) => problem.includes(name))) yield* Effect.logWarning(`plugins: ${problem}`)
  }
  const resolution = yield* resolvePlugins(config.plugins, catalog)
  if (resolution._tag === "Invalid") return yield* runConfigError([...issues, ...resolution.issues])
  const phases: ReadonlyArray<Phase> = config.stages.map((s) => s.kind)
  const choices = (kind: string) =>
    [...catalog.byName.entries()].filter(([, e]) => e.factory.kind === kind).map(([name]) => name).sort()
  issues.push(...checkSlots(resolution.plugins, phases, choices))
  if (issues.length > 0) return yield* runConfigError(issues)
  return {
    config,
    plugins: makePluginSet(resolution.plugins),
    resolved: resolution.plugins,
    catalog
  } satisfies ResolvedRun as ResolvedRun
})
