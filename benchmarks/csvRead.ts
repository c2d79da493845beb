/**
 * CSV reading at the real training file's scale: generates a DRG-LLaMA-format CSV
 * (`hadm_id, text, drg_34_code, label`; 12 KB notes with quotes, commas and line breaks),
 * then reads it in fresh child processes (so each peak RSS is its own) three ways:
 *
 * - `records`: `readRecordsFile` as `sapphire-data` does (every record kept);
 * - `rows`: the streaming parser alone, rows discarded (memory bounded by the longest row);
 * - `reference`: the first character-at-a-time parser (test/support/referenceCsv.ts) on a
 *   smaller prefix, as the baseline of the same run (it needed ~35x the file size).
 *
 * Targets: >= 50 MB/s and peak RSS < 2x the file size for `records`.
 *
 *   npx tsx benchmarks/csvRead.ts [--mb 200] [--reference-mb 20] [--json]
 */
import { spawnSync } from "node:child_process"
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import { Effect } from "effect"
import { makeCsvParser } from "../packages/data/src/Csv.ts"
import { readRecordsFile } from "../packages/data/src/node/readFilesNode.ts"
import { parseCsv as referenceParseCsv } from "../packages/data/test/support/referenceCsv.ts"

interface Measurement {
  readonly mode: string
  readonly bytes: number
  readonly rows: number
  readonly seconds: number
  readonly mbPerS: number
  /** CPU time (user + system) of the read, which other processes inflate less than wall time. */
  readonly cpuSeconds: number
  readonly mbPerCpuS: number
  readonly peakRssBytes: number
}

const WORDS = [
  "patient", "admitted", "with", "sepsis", "urine", "culture", "E. coli", "treated", "ceftriaxone,", "improved",
  "BNP", "elevated", "diuresed", "\"good\"", "response", "creatinine", "1.4", "baseline", "0.9", "PT/OT", "eval,",
  "discharged", "home", "services", "follow-up", "PCP", "in", "1", "week", "no", "acute", "distress"
]

/** Writes an n-megabyte DRG-LLaMA CSV of 12 KB notes; returns its path. */
const generate = async (dir: string, megabytes: number): Promise<string> => {
  const file = join(dir, `drg-llama-${megabytes}mb.csv`)
  const out = createWriteStream(file)
  const write = (text: string) =>
    new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once("drain", () => resolve())))
  await write("hadm_id,text,drg_34_code,label\n")
  let bytes = 0
  let seed = 12345
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
  for (let id = 20000000; bytes < megabytes * 1e6; id++) {
    const parts: Array<string> = ["Brief Hospital Course:"]
    let length = 0
    while (length < 12000) {
      const word = WORDS[Math.floor(rand() * WORDS.length)]!
      parts.push(rand() < 0.02 ? `${word}\n#` : word)
      length += word.length + 1
    }
    const note = parts.join(" ").replace(/"/g, "\"\"")
    const row = `${id},"${note}",${[871, 291, 190, 193, 470][id % 5]},${id % 738}\n`
    bytes += row.length
    await write(row)
  }
  await new Promise<void>((resolve) => out.end(resolve))
  return file
}

const child = async (mode: string, file: string, limitBytes: number): Promise<void> => {
  const labelSpace = msdrgV34().labelSpace
  const cpuStart = process.cpuUsage()
  const started = performance.now()
  let rows = 0
  let bytes = statSync(file).size
  if (mode === "records") {
    const result = await Effect.runPromise(readRecordsFile(file, labelSpace, "drg-llama"))
    rows = result.records.length + result.report.unknownDrgs.length
  } else if (mode === "rows") {
    const parser = makeCsvParser()
    for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
      const r = parser.push(chunk as string)
      if (!r.ok) throw new Error(r.issue.message)
      rows += r.rows.length
    }
    const r = parser.end()
    if (!r.ok) throw new Error(r.issue.message)
    rows += r.rows.length - 1
  } else {
    const text = readFileSync(file, "utf8").slice(0, limitBytes)
    // A row boundary: a line break followed by an admission id (note line breaks are followed by "#").
    let end = text.lastIndexOf("\n")
    while (end > 0 && text[end + 1] === "#") end = text.lastIndexOf("\n", end - 1)
    const cut = end + 1
    bytes = Buffer.byteLength(text.slice(0, cut))
    const r = referenceParseCsv(text.slice(0, cut))
    if (!r.ok) throw new Error(r.issue.message)
    rows = r.rows.length - 1
  }
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuStart)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const m: Measurement = {
    mode, bytes, rows, seconds, mbPerS: bytes / 1e6 / seconds, cpuSeconds, mbPerCpuS: bytes / 1e6 / cpuSeconds,
    peakRssBytes: process.resourceUsage().maxRSS * 1024
  }
  process.stdout.write(`${JSON.stringify(m)}\n`)
}

const measure = (mode: string, file: string, limitBytes: number): Measurement => {
  const r = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--child", mode, "--file", file, "--limit", String(limitBytes)], {
    encoding: "utf8",
    maxBuffer: 1 << 20
  })
  if (r.status !== 0) throw new Error(`${mode} child failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`)
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Measurement
}

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    "reference-mb": { type: "string", default: "20" },
    json: { type: "boolean", default: false },
    child: { type: "string" },
    file: { type: "string" },
    limit: { type: "string" }
  }
})

if (values.child !== undefined) {
  await child(values.child, values.file!, Number(values.limit))
} else {
  const dir = mkdtempSync(join(tmpdir(), "csv-read-"))
  try {
    const t0 = performance.now()
    const file = await generate(dir, Number(values.mb))
    const size = statSync(file).size
    process.stderr.write(`generated ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
    const results = [
      measure("reference", file, Number(values["reference-mb"]) * 1e6),
      measure("rows", file, size),
      measure("records", file, size)
    ]
    const load = loadavg().map((x) => Number(x.toFixed(2)))
    const baseline = results[0]!.mbPerS
    for (const m of results) {
      const row = {
        ...m,
        fileMb: Number((m.bytes / 1e6).toFixed(1)),
        rssOverFile: Number((m.peakRssBytes / m.bytes).toFixed(2)),
        speedupVsReference: Number((m.mbPerS / baseline).toFixed(1)),
        loadAverage: load
      }
      if (values.json) process.stdout.write(`${JSON.stringify(row)}\n`)
      else {
        process.stdout.write(
          `${m.mode.padEnd(9)} ${row.fileMb.toFixed(1).padStart(6)} MB  ${m.rows} rows  ${m.seconds.toFixed(2)} s  ` +
            `${m.mbPerS.toFixed(1)} MB/s (${row.speedupVsReference}x reference), ${m.mbPerCpuS.toFixed(1)} MB/CPU-s  peak RSS ${(m.peakRssBytes / 1e6).toFixed(0)} MB ` +
            `(${row.rssOverFile}x file)  load ${load.join(" ")}\n`
        )
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
