/**
 * GRPO with each loss aggregation and each reward scheme from one SFT checkpoint, same seed
 * and budget: a table shaped like DRG-Sapphire's Table 1 (Pass@1 / Pass@8 / Maj@8 for the
 * DRG), printed and written as JSON.
 *
 *   npx tsx benchmarks/lossVariants.ts [--out runs/loss-variants] [--seed 0] [--grpo-steps 20]
 *       [--preset default|quick] [--losses grpo-loss,bnpo-loss,dapo-loss,dr-grpo-loss]
 *       [--rewards strict,dense,balanced] [--backend auto|cpu|webgpu] [--from CHECKPOINT_DIR]
 *
 * Each variant is a full run.ts pipeline (the runtime's runNode) into its own directory:
 * the SFT stage once (its final checkpoint is the shared start), then per variant a GRPO
 * stage and an evaluation; the SFT start itself is evaluated with the same settings.
 * `--from` starts from an SFT checkpoint already made (e.g. a default run's
 * `checkpoints/stage1-sft-…`, same preset and seed) instead of training one, so variants can
 * be split over several processes that share it. Periodic evaluation (`evalEvery`) is off in
 * the variants: only the final evaluation is compared.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { Effect } from "effect"
import { drgTinyTokenizerFiles } from "@sapphire-rl/model"
import { mergeRunConfig, RUN_PRESETS } from "@sapphire-rl/runtime"
import { runNode } from "@sapphire-rl/runtime/node"

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "runs/loss-variants" },
    seed: { type: "string", default: "0" },
    "grpo-steps": { type: "string" },
    preset: { type: "string", default: "default" },
    losses: { type: "string", default: "grpo-loss,bnpo-loss,dapo-loss,dr-grpo-loss" },
    rewards: { type: "string", default: "strict,dense" },
    backend: { type: "string", default: "auto" },
    from: { type: "string" }
  }
})
const out = resolve(values.out)
const preset = RUN_PRESETS[values.preset as "default" | "quick"]
if (preset === undefined) throw new Error(`--preset must be default or quick, got ${values.preset}`)
const stages = preset.stages as ReadonlyArray<Record<string, unknown>>
const stageOf = (kind: string) => ({ ...stages.find((s) => s.kind === kind)! })
const grpo: Record<string, unknown> = { ...stageOf("grpo"), evalEvery: 0, ...(values["grpo-steps"] === undefined ? {} : { steps: Number(values["grpo-steps"]) }) }
const evalStage = stageOf("eval")
const common = { seed: Number(values.seed), backend: values.backend }

const runTo = async (name: string, overrides: Record<string, unknown>) => {
  const dir = join(out, name)
  const started = performance.now()
  const config = mergeRunConfig(preset, common, overrides)
  // A model directory replaces the preset model whole (merging would keep both keys).
  if (overrides.model !== undefined) config.model = overrides.model
  const result = await Effect.runPromise(runNode(config, { cwd: process.cwd(), out: dir }))
  process.stderr.write(`${name}: ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
  return { dir, result }
}

mkdirSync(out, { recursive: true })
const trainStart = async () => {
  const sft = await runTo("sft", { stages: [stageOf("sft")] })
  const latest = JSON.parse(readFileSync(join(sft.dir, "checkpoints", "latest.json"), "utf8")) as { dir: string }
  return join(sft.dir, "checkpoints", latest.dir)
}
// A given checkpoint is copied, not written into: the tokenizer files are added to the copy.
const copyStart = (from: string) => {
  if (!existsSync(join(from, "model.safetensors"))) throw new Error(`--from ${from}: no model.safetensors there (give a checkpoint directory, e.g. runs/default/checkpoints/stage1-sft-000188)`)
  const dir = join(out, "sft-start")
  cpSync(from, dir, { recursive: true })
  return dir
}
const start = values.from === undefined ? await trainStart() : copyStart(resolve(values.from))
// The checkpoint holds the weights; a model directory also needs the tokenizer.
for (const [file, text] of drgTinyTokenizerFiles()) writeFileSync(join(start, file), text)
const model = { dir: start }

const rows: Array<{ variant: string; drg: { pass1: number; pass8: number; maj8: number }; invalid: number }> = []
const base = await runTo("sft-eval", { model, stages: [evalStage] })
const baseScores = base.result.results.base!
rows.push({ variant: "SFT start", drg: baseScores.drg, invalid: baseScores.invalid })
for (const reward of values.rewards.split(",")) {
  for (const loss of values.losses.split(",")) {
    const name = `${loss}-${reward}`
    const run = await runTo(name, {
      model,
      stages: [grpo, evalStage],
      plugins: ["format-reward", `${reward}-reward`, loss, { use: "cosine-kl", options: { beta: 0.04 } }]
    })
    const scores = run.result.results.grpo!
    rows.push({ variant: `${loss} · ${reward}`, drg: scores.drg, invalid: scores.invalid })
  }
}

const pct = (x: number) => (100 * x).toFixed(1).padStart(7)
const budget = `${values.preset} preset, seed ${values.seed}, GRPO ${String(grpo.steps)} steps × ${String(grpo.promptsPerStep)} prompts × ${String(grpo.groupSize)}, eval ${String(evalStage.samples)} samples on ${String(evalStage.limit)} held-out cases`
const table = [
  `loss variants (${budget})`,
  `${"variant".padEnd(26)}${"Pass@1".padStart(7)}${"Pass@8".padStart(7)}${"Maj@8".padStart(7)}${"invalid".padStart(8)}`,
  ...rows.map((r) => `${r.variant.padEnd(26)}${pct(r.drg.pass1)}${pct(r.drg.pass8)}${pct(r.drg.maj8)}${pct(r.invalid).padStart(8)}`)
].join("\n")
process.stdout.write(`${table}\n`)
writeFileSync(join(out, "loss-variants.json"), `${JSON.stringify({ budget, rows }, null, 2)}\n`)
