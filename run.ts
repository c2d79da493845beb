/**
 * Sapphire-RL entry point: `npx tsx run.ts [subcommand]`.
 *
 * The training pipeline (data → SFT → GRPO → evaluation) is not assembled yet. Until it
 * is, this prints what the default run will do and which tools already work, and never
 * a made-up result.
 */
const plan = `Sapphire-RL — reinforcement learning for MS-DRG coding.

The default run (once the pipeline lands) will:
  1. generate the synthetic MS-DRG v34 benchmark, labels from the built-in grouper;
  2. build DRG-Sapphire prompts and SFT completions (rationales from the grouper trace);
  3. SFT a tiny Qwen2-architecture model (cold start), then GRPO with rule-based rewards;
  4. report Pass@1 / Pass@k / Maj@k for the DRG, its family and its CC/MCC tier.

Status: the pipeline is not implemented yet, so this command runs no training.

Available now:
  npx msdrg group < cases.jsonl            group JSON Lines cases with the MS-DRG v34 grouper (explained by a trace)
  npx msdrg resolve "<title text>"         resolve free text to an MS-DRG v34 title
  npx msdrg families                       list the 340 DRG families and their tiers
  npx sapphire-data synth --n 2000 --seed 7 --out cases.jsonl
                                           generate the synthetic MS-DRG benchmark (labels from the grouper)
  npx sapphire-data stats cases.jsonl      DRG / family / tier / difficulty histograms
  npx sapphire-data sft|prompts|split ...  SFT completions, GRPO prompts, stratified splits
  npx sapphire-model logits|generate|chat --model DIR ...
                                           run a Qwen2 checkpoint (Hugging Face layout) on CPU or WebGPU
  npx tsx benchmarks/kernels.ts            kernel speed (WebGPU and CPU, numpy baseline)
  npx tsx benchmarks/model.ts              Qwen2 train and decode tokens/s (PyTorch baseline)
  npm test                                 run every test

Subcommands of run.ts:
  plan (default)   print this text
  help             print this text
`

const main = (argv: ReadonlyArray<string>): number => {
  const [command = "plan"] = argv
  switch (command) {
    case "plan":
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(plan)
      return 0
    default:
      process.stderr.write(`run.ts: unknown subcommand "${command}"\n\n${plan}`)
      return 2
  }
}

process.exitCode = main(process.argv.slice(2))
