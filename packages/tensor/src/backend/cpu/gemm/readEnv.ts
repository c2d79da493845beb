/**
 * Reads an environment variable on Node or Deno without importing either runtime's
 * modules; undefined when unset or when the runtime forbids it (Deno without
 * `--allow-env`).
 *
 * @since 0.2.0
 */

/** @since 0.2.0 @category utils */
export const readEnv = (name: string): string | undefined => {
  const g = globalThis as {
    Deno?: { env?: { get(name: string): string | undefined } }
    process?: { env?: Record<string, string | undefined> }
  }
  try {
    // Deno 2 also defines `process`; its own API comes first.
    if (g.Deno?.env !== undefined) return g.Deno.env.get(name)
    return g.process?.env?.[name]
  } catch {
    return undefined
  }
}
