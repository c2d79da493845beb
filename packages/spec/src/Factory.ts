/**
 * Plugin factories: how a run names a plugin and decodes its options.
 *
 * @since 2.0.0
 */
import type { PluginKind } from "./Plugin.ts"
import type { AnyPlugin } from "./AnyPlugin.ts"

/**
 * The Standard Schema v1 interface (standardschema.dev), declared here so the spec has no
 * dependency; Effect's `Schema.toStandardSchemaV1(schema)`, Zod and Valibot produce it.
 *
 * @since 2.0.0
 * @category models
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

/**
 * A Standard Schema validation result.
 *
 * @since 2.0.0
 * @category models
 */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
    readonly issues: ReadonlyArray<{
      readonly message: string
      readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
    }>
  }

/**
 * A function that makes a plugin from decoded options, carrying what a runtime needs to
 * find it and check its options before any work starts. `Input` is what callers may pass
 * (the schema's input type: fields with defaults may be left out; since 2.1.0), `Options`
 * what the plugin receives after decoding.
 *
 * @since 2.0.0
 * @category models
 */
export interface PluginFactory<Options = unknown, P extends AnyPlugin = AnyPlugin, Input = Options> {
  (options?: Input): P
  /** The short name a run uses (`strict-reward`). Unique across installed plugins. */
  readonly pluginName: string
  readonly kind: PluginKind
  /** One line for `run.ts plugins`. */
  readonly description: string
  /** Decodes the options (with defaults filled in) from plain JSON. */
  readonly options: StandardSchemaV1<Input, Options>
}

/**
 * Builds a factory: `create` receives options already decoded by `options`; callers pass
 * the schema's input type (`Input`, inferred from `options["~standard"].types`).
 *
 * @since 2.0.0
 * @category constructors
 */
export const definePluginFactory = <Options, P extends AnyPlugin, Input = Options>(
  meta: {
    readonly pluginName: string
    readonly kind: P["kind"]
    readonly description: string
    readonly options: StandardSchemaV1<Input, Options>
  },
  create: (options: Options) => P
): PluginFactory<Options, P, Input> =>
  Object.assign((options?: Input) => create(decodeOptionsSync(meta.pluginName, meta.options, options ?? {})), meta)

/**
 * Options failed their schema; `issues` carry paths relative to the options object.
 *
 * @since 2.0.0
 * @category errors
 */
export class PluginOptionsError extends Error {
  override readonly name = "PluginOptionsError"
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
  constructor(pluginName: string, issues: ReadonlyArray<{ readonly path: string; readonly message: string }>) {
    super(`${pluginName} options: ${issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("; ")}`)
    this.issues = issues
  }
}

/**
 * Renders a Standard Schema issue path as `a.b[2].c`.
 *
 * @since 2.0.0
 * @category utils
 */
export const formatIssuePath = (path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string =>
  (path ?? []).reduce<string>((out, segment) => {
    const key = typeof segment === "object" ? segment.key : segment
    return typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`
  }, "")

/**
 * Decodes options synchronously (a factory is a plain function); an async schema is a
 * programming error here.
 *
 * @since 2.0.0
 * @category utils
 */
export const decodeOptionsSync = <Options>(pluginName: string, schema: StandardSchemaV1<unknown, Options>, input: unknown): Options => {
  const result = schema["~standard"].validate(input)
  if (result instanceof Promise) throw new TypeError(`${pluginName}: options schema must validate synchronously`)
  if (result.issues !== undefined) {
    throw new PluginOptionsError(pluginName, result.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })))
  }
  return result.value
}

/**
 * What a plugin package exports for runtimes to find its factories by package name:
 * `export const sapphirePlugins: PluginPackage["plugins"] = [strictReward, ...]`.
 *
 * @since 2.0.0
 * @category models
 */
export interface PluginPackage {
  readonly plugins: ReadonlyArray<PluginFactory<any, AnyPlugin, any>>
}
