/**
 * Sapphire-RL entry point: `npx tsx run.ts [subcommand] [options]`. With no arguments it runs
 * the embedded default: synthetic benchmark → SFT → GRPO → evaluation, and writes runs/default/.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { Cause, Effect, Exit } from "effect"
import { listPlugins as listInstalledPlugins, mergeRunConfig, RUN_PRESETS } from "@sapphire-rl/runtime"
import { evalNode, loadRunConfigFile, pluginImporterFrom, runNode } from "@sapphire-rl/runtime/node"
import { writeRunReport } from "@sapphire-rl/report/node"

const HELP = `Sapphire-RL — reinforcement learning for MS-DRG coding.

Usage:
  npx tsx run.ts [run] [options]     run a pipeline (no options: the embedded default, ~15 min on 2 CPU cores)
  npx tsx run.ts eval --from RUN_DIR --data FILE [--samples 8] [--out DIR] [--backend auto|webgpu|cpu]
                     [--format drg-llama|sapphire|jsonl]
                                     evaluate RUN_DIR's latest checkpoint on every case of FILE
                                     (DRG-LLaMA CSV, DRG-Sapphire CSV or JSONL; format from the file name
                                     and header unless --format) with the run's own config;
                                     writes DIR/results.json (under "eval") and DIR/samples.jsonl
                                     (default DIR: RUN_DIR/eval-<file name>)
  npx tsx run.ts report RUN_DIR      rebuild RUN_DIR/report.html
  npx tsx run.ts plugins             installed plugins: name, kind, package, plugin version, description, default options
  npx tsx run.ts help                this text (also --help / -h after any subcommand)

Run options:
  --preset quick|default|paper       starting configuration (default: default; quick: a few minutes)
  --config FILE                      a run.config.ts (export default defineRun({...})) or JSON file, over the preset
  --plugins a,b,c                    plugin list by short or package name (replaces the preset's)
  --set key=value                    override any field: seed=3, grpo.steps=50, loss.epsilonHigh=0.28 (repeatable)
  --model DIR                        a Hugging Face Qwen2 snapshot instead of the from-scratch preset model
                                     (full training; --set training.mode=lora trains LoRA adapters on it)
  --data FILE                        DRG-LLaMA CSV, DRG-Sapphire CSV or JSONL instead of the synthetic benchmark
                                     (format from the file name and header; --set data.format=drg-llama|sapphire|jsonl)
  --rollouts URL[,URL…]              generate rollouts on OpenAI-compatible servers (vLLM, SGLang, sapphire-serve)
  --backend auto|webgpu|cpu          tensor backend (auto picks by capability and says why)
  --out DIR                          run directory (default runs/<name>)
  --resume DIR                       continue a stopped run: its directory, its checkpoints/ or one checkpoint
                                     (with the run's own options; it continues in that directory unless --out)
  --seed N                           shorthand for --set seed=N

Progress goes to stderr (bars on a terminal, a line every 10 s otherwise), the results table to stdout.
Ctrl-C stops a run at the next step with a checkpoint (--resume continues it); a second Ctrl-C exits at once.
Exit codes: 0 done, 1 the run or evaluation failed (bad config, data, files), 2 bad command line.
`

const printHelp = (): number => {
  process.stdout.write(HELP)
  return 0
}

const fail = (message: string): number => {
  process.stderr.write(`run.ts: ${message}\n`)
  return 2
}

const errorMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : Cause.pretty(cause)
}

const percent = (x: number | undefined) => (x === undefined ? "   –" : (100 * x).toFixed(1).padStart(5))

const printResults = (
  results: Readonly<Record<string, { drg: any; family: any; tier: any; invalid: number }>>,
  seconds: number,
  dir: string,
  options: { readonly title?: string; readonly samples?: number | undefined } = {}
) => {
  const models = Object.keys(results)
  if (models.length === 0) {
    process.stdout.write(`\nno evaluation ran, ${Math.round(seconds)} s — ${dir}\n`)
    return
  }
  const k = options.samples ?? 8
  const lines = [`\n${options.title ?? "held-out results"} (% of cases), ${Math.round(seconds)} s — ${dir}`, `${"".padEnd(16)}${models.map((m) => m.padStart(8)).join("")}`]
  for (const target of ["drg", "family", "tier"] as const) {
    for (const [key, label] of [["pass1", "Pass@1"], ["pass8", `Pass@${k}`], ["maj8", `Maj@${k}`]] as const) {
      lines.push(`${`${target.toUpperCase() === "DRG" ? "DRG" : target} ${label}`.padEnd(16)}${models.map((m) => percent(results[m]![target][key]).padStart(8)).join("")}`)
    }
  }
  lines.push(`${"invalid".padEnd(16)}${models.map((m) => percent(results[m]!.invalid).padStart(8)).join("")}`)
  process.stdout.write(`${lines.join("\n")}\n`)
}

/** The k of Pass@k / Maj@k: the samples of the run's last eval stage, as its config.json says. */
const evalSamplesOf = (dir: string): number | undefined => {
  try {
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { stages?: Array<{ kind?: string; samples?: number }> }
    return config.stages?.filter((s) => s.kind === "eval").at(-1)?.samples
  } catch {
    return undefined
  }
}

const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        preset: { type: "string" },
        config: { type: "string" },
        plugins: { type: "string" },
        set: { type: "string", multiple: true },
        model: { type: "string" },
        data: { type: "string" },
        rollouts: { type: "string" },
        backend: { type: "string" },
        out: { type: "string" },
        resume: { type: "string" },
        seed: { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    })
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`)
  }
  const v = parsed.values
  if (v.help === true) return printHelp()
  const presetName = v.preset ?? "default"
  if (!(presetName in RUN_PRESETS)) return fail(`unknown preset "${presetName}" (quick, default or paper)`)
  const cwd = process.cwd()
  let fileConfig: unknown = {}
  if (v.config !== undefined) {
    const loaded = await Effect.runPromiseExit(loadRunConfigFile(v.config, cwd))
    if (Exit.isFailure(loaded)) return fail(String(Cause.squash(loaded.cause) instanceof Error ? (Cause.squash(loaded.cause) as Error).message : Cause.pretty(loaded.cause)))
    fileConfig = loaded.value
  }
  const flags: Record<string, unknown> = {
    ...(v.plugins === undefined ? {} : { plugins: v.plugins.split(",").map((p) => p.trim()).filter((p) => p !== "") }),
    ...(v.model === undefined ? {} : { model: { dir: v.model } }),
    ...(v.data === undefined ? {} : { data: { source: "file", path: v.data } }),
    ...(v.rollouts === undefined ? {} : { engine: { kind: "remote", urls: v.rollouts.split(",").map((u) => u.trim()) } }),
    ...(v.backend === undefined ? {} : { backend: v.backend }),
    ...(v.out === undefined ? {} : { out: v.out })
  }
  const layers = [RUN_PRESETS[presetName as keyof typeof RUN_PRESETS], fileConfig, flags]
  const input = mergeRunConfig(...layers)
  // A layer that names another kind of model, data source or engine replaces it whole (a
  // { dir } model merged into a { preset } one would carry both); one without a
  // discriminator (data: { n: 500 }) merges into what is there.
  for (const [key, discriminators] of [["model", ["preset", "dir"]], ["data", ["source"]], ["engine", ["kind"]]] as const) {
    const named = layers.map((l) => (l as Record<string, unknown>)[key]).filter((x): x is Record<string, unknown> =>
      typeof x === "object" && x !== null && discriminators.some((d) => d in x))
    const last = named.at(-1)
    if (last !== undefined) input[key] = mergeRunConfig(...layers.map((l) => (l as Record<string, unknown>)[key]).slice(layers.findIndex((l) => (l as Record<string, unknown>)[key] === last)))
  }
  const settings = [...(v.set ?? []), ...(v.seed === undefined ? [] : [`seed=${v.seed}`])]
  const exit = await Effect.runPromiseExit(runNode(input, {
    cwd,
    settings,
    ...(v.out === undefined ? {} : { out: v.out }),
    ...(v.resume === undefined ? {} : { resumeFrom: v.resume })
  }))
  if (Exit.isFailure(exit)) {
    const error = Cause.squash(exit.cause)
    process.stderr.write(`run.ts: ${error instanceof Error ? error.message : Cause.pretty(exit.cause)}\n`)
    return 1
  }
  const result = exit.value
  const report = await writeRunReport(result.dir)
  printResults(result.results as never, result.seconds, result.dir, { samples: evalSamplesOf(result.dir) })
  process.stdout.write(`report: ${report}\n${result.interrupted ? "interrupted: the run stopped early; --resume continues it\n" : ""}`)
  return 0
}

const evaluate = async (argv: ReadonlyArray<string>): Promise<number> => {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        from: { type: "string" },
        data: { type: "string" },
        samples: { type: "string" },
        out: { type: "string" },
        backend: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" }
      }
    })
  } catch (e) {
    return fail(`eval: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`)
  }
  const v = parsed.values
  if (v.help === true) return printHelp()
  if (v.from === undefined) return fail("eval needs --from RUN_DIR (a run directory with checkpoints/latest.json)")
  if (v.data === undefined) return fail("eval needs --data FILE (DRG-LLaMA CSV, DRG-Sapphire CSV or JSONL)")
  if (v.samples !== undefined && !/^[1-9]\d*$/.test(v.samples.trim())) return fail(`eval --samples: expected a positive integer, got "${v.samples}"`)
  if (v.backend !== undefined && !["auto", "webgpu", "cpu"].includes(v.backend)) return fail(`eval --backend: expected auto, webgpu or cpu, got "${v.backend}"`)
  const formats = ["drg-llama", "sapphire", "jsonl"] as const
  const format = formats.find((f) => f === v.format)
  if (v.format !== undefined && format === undefined) return fail(`eval --format: expected drg-llama, sapphire or jsonl, got "${v.format}"`)
  const samples = v.samples === undefined ? undefined : Number(v.samples.trim())
  const exit = await Effect.runPromiseExit(evalNode({
    cwd: process.cwd(),
    from: v.from,
    data: v.data,
    ...(samples === undefined ? {} : { samples }),
    ...(v.out === undefined ? {} : { out: v.out }),
    ...(v.backend === undefined ? {} : { backend: v.backend }),
    ...(format === undefined ? {} : { format })
  }))
  if (Exit.isFailure(exit)) {
    process.stderr.write(`run.ts eval: ${errorMessage(exit.cause)}\n`)
    return 1
  }
  const result = exit.value
  printResults({ eval: result.scores }, result.seconds, result.dir, { title: `${result.checkpoint} on ${result.cases} cases`, samples: result.samples })
  return 0
}

const listPlugins = async (): Promise<number> => {
  const listing = await Effect.runPromise(listInstalledPlugins().pipe(Effect.provide(pluginImporterFrom(process.cwd()))))
  for (const p of listing.plugins) {
    process.stdout.write(`${p.name.padEnd(28)} ${p.kind.padEnd(11)} ${`${p.packageName}${p.version === undefined ? "" : `@${p.version}`}`.padEnd(44)} ${p.description}\n`)
    if (p.defaults !== undefined && Object.keys(p.defaults as object).length > 0) process.stdout.write(`${"".padEnd(41)}options ${JSON.stringify(p.defaults)}\n`)
  }
  for (const m of listing.missing) process.stdout.write(`${m} (not installed)\n`)
  // The slots filled when a run names none (PluginSet): not in the list above, as no package exports them by name.
  process.stdout.write(`\nwhen a run names none: grouper @sapphire-rl/plugin-msdrg-v34 (MS-DRG v34), advantage group-std-advantage; no KL term\n`)
  return 0
}

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [first, ...rest] = argv
  switch (first) {
    case "help":
    case "--help":
    case "-h":
      return printHelp()
    case "report": {
      if (rest[0] === "--help" || rest[0] === "-h") return printHelp()
      if (rest[0] === undefined) return fail("report needs a run directory")
      process.stdout.write(`${await writeRunReport(rest[0])}\n`)
      return 0
    }
    case "eval":
      return evaluate(rest)
    case "plugins":
      return listPlugins()
    case "run":
      return run(rest)
    default:
      return first === undefined || first.startsWith("--") ? run(argv) : fail(`unknown subcommand "${first}"\n\n${HELP}`)
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
}, (e: unknown) => {
  process.stderr.write(`run.ts: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`)
  process.exitCode = 1
})
