/**
 * JSON text of a model file (config, index, adapter config, tokenizer), parsed with a
 * `ModelFileError` that names the file when it is not JSON.
 *
 * @since 0.1.0
 */
import { modelFileError } from "./ModelFileError.ts"

/**
 * Parses `text`; throws `ModelFileError` naming `file` on bad JSON.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseJsonFile = (text: string, file: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw modelFileError(file, `not valid JSON (${(e as Error).message})`)
  }
}
