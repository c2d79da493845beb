/**
 * How the runtime loads a plugin package by name: a service, so a CLI resolves names from
 * the user's project (`node/PluginImporterNode.ts`), Deno through its own `import()`, and
 * tests from modules in memory.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"

/**
 * A package could not be imported: it is not installed (`notFound`), or loading it threw.
 *
 * @since 0.1.0
 * @category errors
 */
export class PluginImportError extends Schema.TaggedError<PluginImportError>()("PluginImportError", {
  specifier: Schema.String,
  notFound: Schema.Boolean,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return this.notFound
      ? `package ${this.specifier} is not installed`
      : `package ${this.specifier} failed to load: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * Whether an import failure means "no such package" (Node, Deno and bundlers word it
 * differently; the failure of a package's own import is not this).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isModuleNotFound = (specifier: string, cause: unknown): boolean => {
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined
  const message = cause instanceof Error ? cause.message : String(cause)
  const mentions = message.includes(`'${specifier}'`) || message.includes(`"${specifier}"`) || message.includes(specifier)
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || /Cannot find (module|package)|not found/i.test(message)) &&
    mentions
}

/**
 * Loads a module by specifier.
 *
 * @since 0.1.0
 * @category services
 */
export class PluginImporter extends Context.Service<PluginImporter, {
  readonly importModule: (specifier: string) => Effect.Effect<unknown, PluginImportError>
}>()("@sapphire-rl/runtime/PluginImporter") {
  /**
   * The platform's `import()`, resolved from this package (Deno: `npm:` and URL
   * specifiers work as they are).
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer: Layer.Layer<PluginImporter> = Layer.succeed(PluginImporter, {
    importModule: Effect.fn("PluginImporter.importModule")(function*(specifier: string) {
      return yield* Effect.tryPromise({
        try: () => import(specifier) as Promise<unknown>,
        catch: (cause) => new PluginImportError({ specifier, notFound: isModuleNotFound(specifier, cause), cause })
      })
    })
  })

  /**
   * Modules in memory by specifier (tests, bundled apps); any other specifier is not found.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerOf = (modules: Readonly<Record<string, unknown>>): Layer.Layer<PluginImporter> =>
    Layer.succeed(PluginImporter, {
      importModule: (specifier) =>
        Object.hasOwn(modules, specifier)
          ? Effect.succeed(modules[specifier])
          : Effect.fail(new PluginImportError({ specifier, notFound: true, cause: new Error(`Cannot find package '${specifier}'`) }))
    })
}
