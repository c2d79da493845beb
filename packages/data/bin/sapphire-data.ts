#!/usr/bin/env node
/**
 * sapphire-data: generate the synthetic MS-DRG benchmark, print statistics, split data and
 * build SFT examples. Runs under Node 22 type stripping (erasable TypeScript only).
 */
import { once } from "node:events"
import { closeSync, createWriteStream, mkdirSync, openSync, writeSync } from "node:fs"
import { join } from "node:path"
import { finished } from "node:stream/promises"
import { parseArgs } from "node:util"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { Effect } from "effect"
import { corpusRows } from "../src/Corpus.ts"
import type { Difficulty } from "../src/CaseSampler.ts"
import { difficultyWeights, generateCase, type GenerateOptions, grouperInput } from "../src/Generator.ts"
import type { NoteLength } from "../src/NoteRenderer.ts"
import { RATIONALE_STYLES, type RationaleStyle } from "../src/Rationale.ts"
import { type DrgRecord, recordToJson } from "../src/Record.ts"
import { rlExample } from "../src/RlExample.ts"
import { caseSftExample, corpusSftExample } from "../src/Sft.ts"
import { dedupeByText, drgSmall, sftGrpoSplit, trainTestSplit } from "../src/Splits.ts"
import { statsReport } from "../src/Stats.ts"
import { type DataFormat, readRecordsFile } from "../src/node/readFilesNode.ts"

const USAGE = `usage:
  sapphire-data synth --n N --seed S [--out FILE] [--mix natural|uniform] [--length short|medium|long|discharge|mixed]
                      [--difficulty easy=3,medium=4,hard=3]
  sapphire-data stats FILE [--format jsonl|drg-llama|sapphire] [--limit 40]
  sapphire-data split FILE --out-dir DIR [--test 0.1] [--sft-ratio 0.9] [--small 0.2] [--seed 0] [--min-class 2]
  sapphire-data sft FILE --out FILE [--style cot-first|answer-first|differential|all] [--corpus]
  sapphire-data prompts FILE --out FILE          (GRPO prompts with their gold titles)
  sapphire-data check FILE                       (re-group every record with codes; exit 1 on a mismatch)`

class UsageError extends Error {}

const fail = (message: string): never => {
  throw new UsageError(message)
}

const intArg = (name: string, value: string | undefined, fallback?: number): number => {
  if (value === undefined) return fallback ?? fail(`--${name} is required`)
  if (!/^-?\d+$/.test(value)) fail(`--${name} must be an integer, got ${JSON.stringify(value)}`)
  return Number(value)
}

const seedArg = (value: string | undefined, fallback?: number): number => {
  const seed = intArg("seed", value, fallback)
  if (!Number.isSafeInteger(seed) || seed < 0) fail(`--seed must be an integer in [0, 2^53 - 1], got ${value}`)
  return seed
}

const numArg = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0 || n > 1) fail(`--${name} must be a number in [0, 1], got ${JSON.stringify(value)}`)
  return n
}

const plugin = () => msdrgV34()

const load = async (file: string, format?: DataFormat): Promise<ReadonlyArray<DrgRecord>> => {
  // A bad row or an unreadable file is the user's to fix: the reader's message, exit code 2.
  const { records, report } = await Effect.runPromise(
    Effect.mapError(readRecordsFile(file, plugin().labelSpace, format), (e) => new UsageError(e.message))
  )
  if (report.unknownDrgs.length > 0) {
    const sample = report.unknownDrgs.slice(0, 5).map((u) => `row ${u.row}: ${u.value}`).join("; ")
    process.stderr.write(`${file}: ${report.unknownDrgs.length} of ${report.rows} rows have a DRG outside the label space and were set aside (${sample})\n`)
  }
  return records
}

const parseDifficulty = (spec: string | undefined): Partial<Record<Difficulty, number>> | undefined => {
  if (spec === undefined) return undefined
  const out: Partial<Record<Difficulty, number>> = {}
  for (const part of spec.split(",")) {
    const [k, v] = part.split("=")
    if (k !== "easy" && k !== "medium" && k !== "hard") fail(`--difficulty: unknown difficulty ${JSON.stringify(k)}`)
    const w = Number(v)
    if (!Number.isFinite(w) || w < 0) fail(`--difficulty: weight of ${k} must be a non-negative number`)
    out[k as Difficulty] = w
  }
  try {
    difficultyWeights(out)
  } catch (e) {
    fail(`--difficulty: ${(e as Error).message}`)
  }
  return out
}

const synth = async (values: ReturnType<typeof parseOptions>["values"]) => {
  const n = intArg("n", values.n)
  const seed = seedArg(values.seed)
  if (n < 0) fail("--n must be >= 0")
  const mix = values.mix ?? "natural"
  if (mix !== "natural" && mix !== "uniform") fail(`--mix must be natural or uniform, got ${JSON.stringify(mix)}`)
  const length = values.length ?? "mixed"
  if (!["short", "medium", "long", "discharge", "mixed"].includes(length)) fail(`--length must be short, medium, long, discharge or mixed`)
  const difficulty = parseDifficulty(values.difficulty)
  const options: GenerateOptions = {
    n, seed, mix: mix as "natural" | "uniform", noteLength: length as NoteLength | "mixed",
    ...(difficulty === undefined ? {} : { difficulty })
  }
  const grouper = plugin().grouper
  const out = values.out
  const stream = out === undefined ? process.stdout : createWriteStream(out)
  // Without a listener a write error (e.g. an --out in a missing folder) would crash the process
  // from an event; this way it rejects the `once` or `finished` being awaited.
  stream.on("error", () => {})
  const started = Date.now()
  try {
    for (let i = 0; i < n; i++) {
      const line = recordToJson(generateCase(grouper, options, i).record) + "\n"
      if (!stream.write(line)) await once(stream, "drain")
      if (n >= 1000 && (i + 1) % 1000 === 0) process.stderr.write(`synth: ${i + 1}/${n} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`)
    }
  } catch (e) {
    // The reader of stdout stopped early (`synth ... | head`): nothing more is wanted, not an error.
    if (out === undefined && (e as NodeJS.ErrnoException).code === "EPIPE") return
    throw e
  }
  if (out !== undefined) await finished(stream.end())
}

// Writes line by line (in batches), so outputs larger than one JS string are fine.
const writeLines = (file: string, lines: Iterable<string>) => {
  const fd = openSync(file, "w")
  try {
    let batch: Array<string> = []
    for (const line of lines) {
      batch.push(line)
      if (batch.length === 1000) {
        writeSync(fd, batch.join("\n") + "\n")
        batch = []
      }
    }
    if (batch.length > 0) writeSync(fd, batch.join("\n") + "\n")
  } finally {
    closeSync(fd)
  }
}

const writeJsonl = (file: string, records: ReadonlyArray<DrgRecord>) => writeLines(file, records.map(recordToJson))

const OPTIONS = {
  n: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, mix: { type: "string" },
  length: { type: "string" }, difficulty: { type: "string" }, format: { type: "string" }, limit: { type: "string" },
  "out-dir": { type: "string" }, test: { type: "string" }, "sft-ratio": { type: "string" }, small: { type: "string" },
  "min-class": { type: "string" }, style: { type: "string" }, corpus: { type: "boolean" }, help: { type: "boolean" }
} as const

const parseOptions = (args: Array<string>) => {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS })
  } catch (e) {
    // parseArgs throws on an unknown or malformed option: a usage error, not a bug.
    return fail((e as Error).message)
  }
}

const main = async (argv: ReadonlyArray<string>) => {
  const [command, ...rest] = argv
  const { values, positionals } = parseOptions([...rest])
  if (values.help === true) {
    process.stdout.write(USAGE + "\n")
    return
  }
  const format = values.format as DataFormat | undefined
  if (format !== undefined && !["jsonl", "drg-llama", "sapphire"].includes(format)) fail(`--format must be jsonl, drg-llama or sapphire`)
  switch (command) {
    case "synth":
      return synth(values)
    case "stats": {
      const file = positionals[0] ?? fail("stats needs a FILE")
      process.stdout.write(statsReport(await load(file, format), intArg("limit", values.limit, 40)) + "\n")
      return
    }
    case "split": {
      const file = positionals[0] ?? fail("split needs a FILE")
      const dir = values["out-dir"] ?? fail("--out-dir is required")
      const seed = seedArg(values.seed, 0)
      const loaded = await load(file, format)
      // The same note in train and test would leak the answer: keep its first copy only.
      const { unique: records, duplicates, conflicting } = dedupeByText(loaded)
      process.stderr.write(
        `split: ${duplicates} record(s) with a duplicate text dropped before splitting` +
          (conflicting > 0 ? ` (${conflicting} with a different DRG than the copy kept)` : "") + "\n"
      )
      const { train, test } = trainTestSplit(records, numArg("test", values.test, 0.1), seed, intArg("min-class", values["min-class"], 2))
      const { sft, grpo } = sftGrpoSplit(train, numArg("sft-ratio", values["sft-ratio"], 0.9), seed)
      const small = drgSmall(train, numArg("small", values.small, 0.2), seed)
      mkdirSync(dir, { recursive: true })
      const parts = { train, test, sft, grpo, small }
      for (const [name, part] of Object.entries(parts)) writeJsonl(join(dir, `${name}.jsonl`), part)
      process.stdout.write(Object.entries(parts).map(([name, part]) => `${name}: ${part.length}`).join("\n") + "\n")
      return
    }
    case "sft": {
      const file = positionals[0] ?? fail("sft needs a FILE")
      const out = values.out ?? fail("--out is required")
      const style = values.style ?? "all"
      const styles: ReadonlyArray<RationaleStyle> = style === "all"
        ? RATIONALE_STYLES
        : (RATIONALE_STYLES as ReadonlyArray<string>).includes(style) ? [style as RationaleStyle] : fail(`--style must be one of ${RATIONALE_STYLES.join(", ")} or all`)
      const { grouper, labelSpace } = plugin()
      const lines: Array<string> = []
      let skipped = 0
      for (const record of await load(file, format)) {
        if (record.pdx === "") {
          skipped++
          continue
        }
        const result = grouper.group(grouperInput(record))
        for (const s of styles) lines.push(JSON.stringify(caseSftExample(record, result, s, labelSpace)))
      }
      if (values.corpus === true) corpusRows(labelSpace).forEach((row, i) => lines.push(JSON.stringify(corpusSftExample(row, i))))
      writeLines(out, lines)
      if (skipped > 0) process.stderr.write(`sft: ${skipped} records without codes (real data) need teacher rationales and were skipped\n`)
      process.stdout.write(`sft: ${lines.length} examples\n`)
      return
    }
    case "check": {
      const file = positionals[0] ?? fail("check needs a FILE")
      const { grouper } = plugin()
      let checked = 0, withoutCodes = 0
      const mismatches: Array<string> = []
      for (const record of await load(file, format)) {
        if (record.pdx === "") {
          withoutCodes++
          continue
        }
        checked++
        const again = grouper.group(grouperInput(record))
        if (again.drg !== record.drg || again.title !== record.title) mismatches.push(`${record.id}: recorded ${record.drg}, groups to ${again.drg}`)
      }
      process.stdout.write(`check: ${checked} records re-grouped, ${mismatches.length} mismatches, ${withoutCodes} without codes\n`)
      for (const m of mismatches.slice(0, 20)) process.stdout.write(`  ${m}\n`)
      if (mismatches.length > 0) process.exitCode = 1
      return
    }
    case "prompts": {
      const file = positionals[0] ?? fail("prompts needs a FILE")
      const out = values.out ?? fail("--out is required")
      const records = await load(file, format)
      writeLines(out, records.map((r) => JSON.stringify(rlExample(r))))
      process.stdout.write(`prompts: ${records.length} examples\n`)
      return
    }
    default:
      process.stdout.write(USAGE + "\n")
      if (command !== undefined && command !== "help" && command !== "--help") fail(`unknown command ${JSON.stringify(command)}`)
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`sapphire-data: ${e instanceof Error ? e.message : String(e)}\n`)
  if (!(e instanceof UsageError)) process.stderr.write(`${(e as Error)?.stack ?? ""}\n`)
  process.exit(e instanceof UsageError ? 2 : 1)
})
