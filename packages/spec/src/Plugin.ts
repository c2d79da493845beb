/**
 * The shape every Sapphire-RL plugin shares, and `definePlugin`, which checks it.
 *
 * Plugins are plain objects made by factories (`strictReward()`, `dapoLoss()`), in the
 * spirit of Rollup and Vite plugins: a `name`, a `version`, a `kind` that says which
 * contract the rest of the object follows, and the hooks of that contract.
 *
 * @since 1.0.0
 */

/**
 * Version of the contracts in this package. A plugin records the spec version it was
 * written against; the runtime accepts any plugin whose spec major equals its own.
 *
 * @since 1.0.0
 * @category constants
 */
export const SPEC_VERSION = "1.0.0"

/**
 * The contracts a plugin can implement. Later releases add kinds; they never change the
 * meaning of an existing one within a major version.
 *
 * @since 1.0.0
 * @category models
 */
export type PluginKind =
  | "grouper"
  | "reward"
  | "loss"
  | "advantage"
  | "kl-schedule"
  | "resampling"
  | "curriculum"
  | "staged"

/**
 * Fields every plugin carries.
 *
 * @since 1.0.0
 * @category models
 */
export interface PluginBase {
  /** Package-style name, e.g. `@sapphire-rl/plugin-msdrg-v34` or `msdrg-v34`. */
  readonly name: string
  /** The plugin's own semver version. */
  readonly version: string
  readonly kind: PluginKind
  /** The spec version the plugin was written against (defaults to `SPEC_VERSION`). */
  readonly specVersion?: string
  /** Ordering hint among plugins of one kind, as in Vite. */
  readonly enforce?: "pre" | "post"
}

/**
 * A plugin list as a run declares it: falsy entries are ignored so that
 * `[cond && strictReward()]` works.
 *
 * @since 1.0.0
 * @category models
 */
export type PluginList<P extends PluginBase = PluginBase> = ReadonlyArray<P | false | null | undefined | 0 | "">

/**
 * Thrown by `definePlugin` when a plugin object is malformed. This is a programming
 * error in the plugin's factory, so it is a plain exception, not a typed Effect error.
 *
 * @since 1.0.0
 * @category errors
 */
export class PluginDefinitionError extends Error {
  override readonly name = "PluginDefinitionError"
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/

/**
 * Checks a plugin object and returns a frozen copy with `specVersion` filled in.
 *
 * @since 1.0.0
 * @category constructors
 */
export const definePlugin = <P extends PluginBase>(plugin: P): P & { readonly specVersion: string } => {
  if (typeof plugin.name !== "string" || plugin.name.trim() === "") {
    throw new PluginDefinitionError("plugin.name must be a non-empty string")
  }
  if (typeof plugin.version !== "string" || !SEMVER.test(plugin.version)) {
    throw new PluginDefinitionError(
      `plugin ${plugin.name}: version must be semver (e.g. 1.2.3), got ${JSON.stringify(plugin.version)}`
    )
  }
  const specVersion = plugin.specVersion ?? SPEC_VERSION
  if (!SEMVER.test(specVersion)) {
    throw new PluginDefinitionError(`plugin ${plugin.name}: specVersion must be semver, got ${JSON.stringify(specVersion)}`)
  }
  if (!isSpecCompatible(specVersion)) {
    throw new PluginDefinitionError(
      `plugin ${plugin.name} targets spec ${specVersion}, which is incompatible with spec ${SPEC_VERSION}`
    )
  }
  return Object.freeze({ ...plugin, specVersion })
}

/**
 * Whether a plugin written against `specVersion` works with this spec: same major, and
 * a minor no newer than this spec's (a newer minor may use contracts this spec lacks).
 *
 * @since 1.0.0
 * @category predicates
 */
export const isSpecCompatible = (specVersion: string): boolean => {
  const [major, minor] = specVersion.split(".").map(Number)
  const [ownMajor, ownMinor] = SPEC_VERSION.split(".").map(Number)
  return major === ownMajor && (minor ?? 0) <= (ownMinor ?? 0)
}

/**
 * Drops the falsy entries of a plugin list.
 *
 * @since 1.0.0
 * @category utils
 */
export const compactPlugins = <P extends PluginBase>(list: PluginList<P>): ReadonlyArray<P> =>
  list.filter((p): p is P => Boolean(p))
