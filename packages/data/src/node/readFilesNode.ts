/**
 * File IO for the readers (Node only). Files are read as a stream of chunks and parsed
 * incrementally, so inputs larger than one JS string (the full DRG-LLaMA training CSV) work.
 */
import { createReadStream } from "node:fs"
import { open } from "node:fs/promises"
import type { LabelSpace } from "@sapphire-rl/spec"
import { Effect, Schema } from "effect"
import { type CsvParse, makeCsvParser } from "../Csv.ts"
import { DataReadError } from "../DataReadError.ts"
import { type CsvRecordReader, drgLlamaRecordReader, type ReadResult, readJsonlLines, sapphireRecordReader } from "../Readers.ts"

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

/** Guesses the format: `.jsonl` (or `.json`) → jsonl; a CSV whose header has `problem` → sapphire; else drg-llama. */
export const guessFormat = (file: string, head: string): DataFormat => {
  if (/\.jsonl?$/i.test(file)) return "jsonl"
  const newline = head.indexOf("\n")
  const header = newline < 0 ? head : head.slice(0, newline)
  return /(^|,)\s*"?problem"?\s*(,|$)/.test(header) ? "sapphire" : "drg-llama"
}

const fileError = (file: string) => (e: unknown) => new FileReadError({ file, reason: (e as Error).message })

const readHead = (file: string) =>
  Effect.tryPromise({
    try: async () => {
      const handle = await open(file, "r")
      try {
        const buffer = Buffer.alloc(4096)
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
        return buffer.subarray(0, bytesRead).toString("utf8")
      } finally {
        await handle.close()
      }
    },
    catch: fileError(file)
  })

// Streams the file through the parser into the record reader, row by row: only the records
// (and the row in progress) stay in memory.
const readCsvFile = (file: string, reader: CsvRecordReader) =>
  Effect.flatMap(
    Effect.tryPromise({
      try: async (): Promise<ReadResult | DataReadError> => {
        const parser = makeCsvParser()
        const feed = (parsed: CsvParse): DataReadError | undefined => {
          if (!parsed.ok) return reader.syntax(parsed.issue)
          for (const r of parsed.rows) {
            const e = reader.row(r)
            if (e !== undefined) return e
          }
          return undefined
        }
        const stream = createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })
        try {
          for await (const chunk of stream) {
            const e = feed(parser.push(chunk as string))
            if (e !== undefined) return e
          }
        } finally {
          stream.destroy()
        }
        return feed(parser.end()) ?? reader.finish()
      },
      catch: fileError(file)
    }),
    (r) => (r instanceof DataReadError ? Effect.fail(r) : Effect.succeed(r))
  )

const readLines = (file: string) =>
  Effect.tryPromise({
    try: async (): Promise<Array<string>> => {
      const lines: Array<string> = []
      let rest = ""
      for await (const chunk of createReadStream(file, { encoding: "utf8" })) {
        const parts = (rest + (chunk as string)).split("\n")
        rest = parts.pop() ?? ""
        for (const p of parts) lines.push(p)
      }
      lines.push(rest)
      return lines
    },
    catch: fileError(file)
  })

/** Reads records from a file in the given (or guessed) format. */
export const readRecordsFile = (
  file: string,
  labelSpace: LabelSpace,
  format?: DataFormat
): Effect.Effect<ReadResult, DataReadError | FileReadError> =>
  Effect.gen(function*() {
    const f = format ?? guessFormat(file, yield* readHead(file))
    if (f === "jsonl") return yield* readJsonlLines(file, yield* readLines(file), labelSpace)
    return yield* readCsvFile(file, f === "sapphire" ? sapphireRecordReader(file, labelSpace) : drgLlamaRecordReader(file, labelSpace))
  })
