/**
 * The run directory (`runs/<name>/`): the resolved config, metrics.jsonl, checkpoints, a
 * completion sample and results.json. A service so the pipeline writes the same files on
 * disk (`node/RunFilesNode.ts`) and in memory (tests).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"

/**
 * A file of the run directory could not be written.
 *
 * @since 0.1.0
 * @category errors
 */
export class RunFileError extends Schema.TaggedError<RunFileError>()("RunFileError", {
  path: Schema.String,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `cannot write ${this.path}: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

/**
 * The run directory.
 *
 * @since 0.1.0
 * @category services
 */
export class RunFiles extends Context.Service<RunFiles, {
  /** The directory, as given. */
  readonly dir: string
  /** Where `name` lives (for checkpoints written by the trainer). */
  readonly path: (name: string) => string
  /** Writes `name` atomically (temp file + rename on disk). */
  readonly writeText: (name: string, text: string) => Effect.Effect<void, RunFileError>
}>()("@sapphire-rl/runtime/RunFiles") {
  /**
   * Files in a map (tests).
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerMemory = (files: Map<string, string>, dir = "memory:run"): Layer.Layer<RunFiles> =>
    Layer.succeed(RunFiles, {
      dir,
      path: (name) => `${dir}/${name}`,
      writeText: (name, text) =>
        Effect.sync(() => {
          files.set(name, text)
        })
    })
}

/**
 * Writes a value as indented JSON.
 *
 * @since 0.1.0
 * @category utils
 */
export const writeJson = Effect.fn("writeJson")(function*(name: string, value: unknown) {
  const files = yield* RunFiles
  yield* files.writeText(name, `${JSON.stringify(value, null, 2)}\n`)
})
