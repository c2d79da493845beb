/**
 * The run directory on disk (Node): created on first use; every file written to a
 * temporary name and renamed, so a crash never leaves a half-written results.json.
 *
 * @since 0.1.0
 */
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { Effect, Layer } from "effect"
import { RunFileError, RunFiles } from "../RunFiles.ts"

/**
 * `dir` as the run directory; fails at once when it cannot be created (an unwritable
 * `--out` is reported before any work starts).
 *
 * @since 0.1.0
 * @category layers
 */
export const runFilesLayerNode = (dir: string): Layer.Layer<RunFiles, RunFileError> =>
  Layer.effect(
    RunFiles,
    Effect.gen(function*() {
      yield* Effect.try({
        try: () => {
          mkdirSync(dir, { recursive: true })
          const probe = join(dir, `.write-test-${process.pid}`)
          writeFileSync(probe, "")
          unlinkSync(probe)
        },
        catch: (cause) => new RunFileError({ path: dir, cause })
      })
      return RunFiles.of({
        dir,
        path: (name) => join(dir, name),
        writeText: (name, text) =>
          Effect.try({
            try: () => {
              const file = join(dir, name)
              mkdirSync(dirname(file), { recursive: true })
              const temp = `${file}.tmp-${process.pid}`
              writeFileSync(temp, text)
              renameSync(temp, file)
            },
            catch: (cause) => new RunFileError({ path: join(dir, name), cause })
          })
      })
    })
  )
