/**
 * The one typed error of this package: a model file (config, checkpoint, tokenizer,
 * adapter) that cannot be used. It names the file and says what was wrong, so a user can
 * fix the file without reading code.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A model file is missing, malformed or inconsistent.
 *
 * @since 0.1.0
 * @category errors
 */
export class ModelFileError extends Schema.TaggedError<ModelFileError>()("ModelFileError", {
  /** The file, as the caller named it (a path or a name inside a snapshot). */
  file: Schema.String,
  /** What was wrong, in words; starts with the file name. */
  message: Schema.String
}) {}

/**
 * Builds a `ModelFileError` whose message starts with the file name.
 *
 * @since 0.1.0
 * @category constructors
 */
export const modelFileError = (file: string, what: string): ModelFileError =>
  new ModelFileError({ file, message: `${file}: ${what}` })
