/**
 * Reading a run config file (Node): `run.config.ts` / `.js` / `.mjs` (its default export,
 * usually `defineRun({...})`) or JSON.
 *
 * @since 0.1.0
 */
import { existsSync, readFileSync } from "node:fs"
import { extname, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Effect } from "effect"
import { runConfigError } from "../ConfigIssue.ts"

/**
 * The config a file holds, not yet decoded (decode with `resolveRun`); a missing file, bad
 * JSON or a module without a default export is a `RunConfigError` naming the file.
 *
 * @since 0.1.0
 * @category loading
 */
export const loadRunConfigFile = Effect.fn("loadRunConfigFile")(function*(file: string, cwd: string = process.cwd()) {
  const path = resolve(cwd, file)
  const problem = (message: string) => runConfigError([{ path: "", message: `${file}: ${message}` }])
  if (!existsSync(path)) return yield* problem("no such file")
  if (extname(path) === ".json") {
    return yield* Effect.try({
      try: (): unknown => JSON.parse(readFileSync(path, "utf8")),
      catch: (e) => problem(`not valid JSON (${e instanceof Error ? e.message : String(e)})`)
    })
  }
  const module = yield* Effect.tryPromise({
    try: () => import(pathToFileURL(path).href) as Promise<{ readonly default?: unknown }>,
    catch: (e) => problem(`failed to load (${e instanceof Error ? e.message : String(e)})`)
  })
  if (module.default === undefined) return yield* problem("has no default export (export default defineRun({ … }))")
  return module.default
})
