/**
 * File IO for the readers (Node only): reads a file and hands its text to the pure parsers.
 */
import { readFile } from "node:fs/promises"
import type { LabelSpace } from "@sapphire-rl/spec"
import { Effect, Schema } from "effect"
import type { DataReadError } from "../DataReadError.ts"
import { type ReadResult, readDrgLlamaCsv, readJsonl, readSapphireCsv } from "../Readers.ts"

/** The file could not be read at all. */
export class FileReadError extends Schema.TaggedError<FileReadError>()("FileReadError", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.file}: cannot read (${this.reason})`
  }
}

/** Input formats. */
export type DataFormat = "drg-llama" | "sapphire" | "jsonl"

/** Guesses the format: `.jsonl` → jsonl; a CSV whose header has `problem` → sapphire; else drg-llama. */
export const guessFormat = (file: string, text: string): DataFormat => {
  if (/\.jsonl?$/i.test(file)) return "jsonl"
  const header = text.slice(0, text.indexOf("\n") >>> 0)
  return /(^|,)\s*"?problem"?\s*(,|$)/.test(header) ? "sapphire" : "drg-llama"
}

/** Reads records from a file in the given (or guessed) format. */
export const readRecordsFile = (
  file: string,
  labelSpace: LabelSpace,
  format?: DataFormat
): Effect.Effect<ReadResult, DataReadError | FileReadError> =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (e) => new FileReadError({ file, reason: (e as Error).message })
    })
    const f = format ?? guessFormat(file, text)
    return yield* (f === "jsonl" ? readJsonl(file, text, labelSpace) : f === "sapphire" ? readSapphireCsv(file, text, labelSpace) : readDrgLlamaCsv(file, text, labelSpace))
  })
