/**
 * Reads a run directory into a report's input, and writes `report.html` beside it (Node).
 *
 * Layout read: `results.json` (`{ sft?, grpo?, eval?, config?, seconds?, confusion? }`, each
 * evaluation `{ drg, family, tier, invalid }`), `metrics.jsonl` (one object per line),
 * `samples.jsonl` (one `SampleCompletion` per line). Missing files give empty sections; a
 * malformed line is an error naming the file and line.
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { readFile, rename, writeFile } from "node:fs/promises"
import { basename, join } from "node:path"
import type { ConfusionCell, EvalScores, ReportInput, SampleCompletion } from "../ReportInput.ts"
import { renderReport } from "../renderReport.ts"

/**
 * A run directory could not be read as a report.
 *
 * @since 0.1.0
 * @category errors
 */
export class RunDirError extends Error {
  override readonly name = "RunDirError"
}

const readJsonLines = async (file: string): Promise<Array<Record<string, unknown>>> => {
  if (!existsSync(file)) return []
  const lines = (await readFile(file, "utf8")).split("\n")
  const out: Array<Record<string, unknown>> = []
  lines.forEach((line, i) => {
    if (line.trim() === "") return
    try {
      const value: unknown = JSON.parse(line)
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("expected a JSON object")
      out.push(value as Record<string, unknown>)
    } catch (e) {
      throw new RunDirError(`${file}:${i + 1}: ${e instanceof Error ? e.message : String(e)}`)
    }
  })
  return out
}

const isScores = (value: unknown): value is EvalScores =>
  typeof value === "object" && value !== null && ["drg", "family", "tier"].every((k) => typeof (value as Record<string, unknown>)[k] === "object") &&
  typeof (value as Record<string, unknown>).invalid === "number"

const MODEL_ORDER = ["sft", "grpo", "eval"]

/**
 * Reads a run directory.
 *
 * @since 0.1.0
 * @category constructors
 */
export const readRunDir = async (dir: string): Promise<ReportInput> => {
  const resultsFile = join(dir, "results.json")
  let results: Record<string, unknown> = {}
  if (existsSync(resultsFile)) {
    try {
      results = JSON.parse(await readFile(resultsFile, "utf8")) as Record<string, unknown>
    } catch (e) {
      throw new RunDirError(`${resultsFile}: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  const evaluations = MODEL_ORDER.flatMap((name) => (isScores(results[name]) ? [{ name, scores: results[name] }] : []))
  const facts: Array<readonly [string, string]> = []
  if (typeof results.seconds === "number") facts.push(["wall time", `${Math.round(results.seconds)} s`])
  const config = results.config as Record<string, unknown> | undefined
  if (config !== undefined) {
    for (const key of ["preset", "seed", "backend", "plugins", "budget"]) {
      if (config[key] !== undefined) facts.push([key, typeof config[key] === "string" ? config[key] : JSON.stringify(config[key])])
    }
  }
  const confusion = Array.isArray(results.confusion) ? (results.confusion as Array<ConfusionCell>) : []
  return {
    title: `Sapphire-RL run ${basename(dir)}`,
    results: evaluations,
    metrics: await readJsonLines(join(dir, "metrics.jsonl")),
    confusion,
    samples: (await readJsonLines(join(dir, "samples.jsonl"))) as unknown as Array<SampleCompletion>,
    facts
  }
}

/**
 * Reads a run directory and (re)writes its `report.html` atomically; returns the path.
 *
 * @since 0.1.0
 * @category constructors
 */
export const writeRunReport = async (dir: string): Promise<string> => {
  const html = await renderReport(await readRunDir(dir))
  const target = join(dir, "report.html")
  await writeFile(`${target}.tmp`, html)
  await rename(`${target}.tmp`, target)
  return target
}
