/**
 * File IO for the readers (Node only). Files are read as a stream of chunks and parsed
 * incrementally, so inputs larger than one JS string (the full DRG-LLaMA training CSV) work.
 */
import { createReadStream } from "node:fs"
import { open } from "node:fs/promises"
import type { LabelSpace } from "@sapphire-rl/spec"
import { Effect, Schema } from "effect"
import { type CsvParse, type CsvRow, makeCsvParser } from "../Csv.ts"
import type { DataReadError } from "../DataReadError.ts"
import { type ReadResult, readDrgLlamaRows, readJsonlLines, readSapphireRows } from "../Readers.ts"

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

const parseCsvFile = (file: string) =>
  Effect.tryPromise({
    try: async (): Promise<CsvParse> => {
      const parser = makeCsvParser()
      const rows: Array<CsvRow> = []
      for await (const chunk of createReadStream(file, { encoding: "utf8" })) {
        const r = parser.push(chunk as string)
        if (!r.ok) return r
        rows.push(...r.rows)
      }
      const r = parser.end()
      if (!r.ok) return r
      rows.push(...r.rows)
      return { ok: true, rows }
    },
    catch: fileError(file)
  })

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
    const parsed = yield* parseCsvFile(file)
    return yield* (f === "sapphire" ? readSapphireRows(file, parsed, labelSpace) : readDrgLlamaRows(file, parsed, labelSpace))
  })
