/**
 * The run config: what a run trains, on what, with which plugins. Decoded with `Schema`
 * (defaults filled in) before any work starts; `defineRun` types a `run.config.ts` file.
 *
 * @since 0.1.0
 */
import type { AnyPlugin, PluginFactory } from "@sapphire-rl/spec"
import { Effect, Schema } from "effect"

const defaulted = <S extends Schema.Top>(schema: S, value: S["Encoded"]) =>
  Schema.withDecodingDefault<S>(Effect.succeed(value))(schema)

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0))
const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
const Positive = Schema.Finite.check(Schema.isGreaterThan(0))
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))
const Fraction = Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 }))

/**
 * The model: a built-in preset trained from scratch (seeded random weights, the drg-tiny
 * tokenizer) or a Hugging Face snapshot directory; full fine-tuning or LoRA.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ModelConfig = Schema.Union([
  Schema.Struct({
    preset: Schema.Literals(["tiny-test", "drg-mini", "drg-small"])
  }),
  Schema.Struct({
    /** A Hugging Face snapshot directory (config.json, safetensors, tokenizer.json). */
    dir: Schema.NonEmptyString,
    /** A PEFT adapter directory to start from (LoRA training continues it). */
    adapterDir: Schema.optionalKey(Schema.NonEmptyString)
  })
]).annotate({ expected: `{ preset: "tiny-test" | "drg-mini" | "drg-small" } or { dir: "<snapshot directory>" }` })

/**
 * Where rollouts are generated: on the run's own device (`local`), or by a fleet of
 * OpenAI-compatible completion servers (`remote`: vLLM, SGLang, `sapphire-serve`), which
 * need no device permit and run concurrently with training.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EngineConfig = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("local") }),
  Schema.Struct({
    kind: Schema.Literal("remote"),
    urls: Schema.Array(Schema.NonEmptyString).check(Schema.isMinLength(1)),
    maxConcurrentPerServer: Schema.optionalKey(PositiveInt),
    timeoutMs: Schema.optionalKey(PositiveInt),
    maxAttempts: Schema.optionalKey(PositiveInt)
  })
]).annotate({ expected: `{ kind: "local" } or { kind: "remote", urls: [...] }` })

/**
 * LoRA settings (PEFT names): rank, alpha, which linear layers.
 *
 * @since 0.1.0
 * @category schemas
 */
export const LoraSettings = Schema.Struct({
  rank: defaulted(PositiveInt, 16),
  alpha: defaulted(Positive, 32),
  targets: defaulted(
    Schema.Array(Schema.Literals(["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])),
    ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
  )
})

/**
 * How the weights are trained.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TrainingConfig = Schema.Struct({
  mode: defaulted(Schema.Literals(["full", "lora"]), "full"),
  lora: defaulted(LoraSettings, {}),
  /** Storage of the frozen base weights under LoRA (`f16` halves their memory). */
  weightDtype: defaulted(Schema.Literals(["f32", "f16"]), "f32")
})

/**
 * Where the cases come from: the synthetic MS-DRG benchmark (labels from the grouper) or
 * a file (DRG-LLaMA CSV, DRG-Sapphire CSV, JSONL; `auto` guesses from the header).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DataConfig = Schema.Union([
  Schema.Struct({
    /** May be left out: `{ n: 500 }` is synthetic. */
    source: defaulted(Schema.Literal("synthetic"), "synthetic"),
    n: defaulted(PositiveInt, 2000),
    /** Seed of the generator; the run seed when absent. */
    seed: Schema.optionalKey(Schema.Int),
    mix: defaulted(Schema.Literals(["natural", "uniform"]), "natural"),
    noteLength: defaulted(Schema.Literals(["short", "medium", "long", "mixed"]), "mixed"),
    difficulty: Schema.optionalKey(Schema.Struct({
      easy: Schema.optionalKey(NonNegative),
      medium: Schema.optionalKey(NonNegative),
      hard: Schema.optionalKey(NonNegative)
    }))
  }),
  Schema.Struct({
    source: Schema.Literal("file"),
    path: Schema.NonEmptyString,
    format: defaulted(Schema.Literals(["auto", "drg-llama", "sapphire", "jsonl"]), "auto")
  })
]).annotate({ expected: `{ source: "synthetic", … } or { source: "file", path, … }` })

/**
 * How the cases are split: a DRG-stratified held-out test set, then the training side
 * into SFT and GRPO portions (DRG-Sapphire's best run: 90% of it for SFT).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SplitConfig = Schema.Struct({
  testFraction: defaulted(Fraction, 0.1),
  sftRatio: defaulted(Fraction, 0.9),
  /** Keep a DRG-stratified fraction of the cases first (DRG-Small used 0.2); 1 keeps all. */
  subset: defaulted(Fraction, 1),
  /** Keep only the cases of these DRG families (titles without the CC/MCC clause); empty keeps all. */
  families: defaulted(Schema.Array(Schema.NonEmptyString), [])
})

/**
 * What the model is asked and taught: the system prompt of every prompt (DRG-Sapphire's
 * Open-R1 default when absent, or the behaviour plugin's) and the length of the SFT
 * reasoning (`full`: the grouper's whole trace in words; `brief`: principal diagnosis and
 * case severity in one line each, for small models and short budgets; `mixed`: `brief`, with
 * every other SFT case answer-first, naming the DRG before the two lines).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PromptConfig = Schema.Struct({
  system: Schema.optionalKey(Schema.NonEmptyString),
  rationale: defaulted(Schema.Literals(["full", "brief", "mixed"]), "full")
})

const optimizerFields = {
  learningRate: defaulted(Positive, 1e-4),
  /** Linear warm-up over this fraction of the phase's steps. */
  warmupRatio: defaulted(Fraction, 0.03),
  /** The cosine schedule decays to this fraction of the peak rate. */
  minLrRatio: defaulted(Fraction, 0.1),
  weightDecay: defaulted(NonNegative, 0),
  maxGradNorm: defaulted(Positive, 1),
  gradientAccumulation: defaulted(PositiveInt, 1)
}

const samplingFields = {
  temperature: defaulted(NonNegative, 1),
  topP: defaulted(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1, exclusiveMinimum: true })), 1),
  /** 0: no top-k cut. */
  topK: defaulted(NonNegativeInt, 0),
  maxNewTokens: defaulted(PositiveInt, 256)
}

/**
 * Supervised fine-tuning (the cold start): loss on completion tokens only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SftStage = Schema.Struct({
  kind: Schema.Literal("sft"),
  epochs: defaulted(PositiveInt, 1),
  batchSize: defaulted(PositiveInt, 8),
  /** Longest prompt + completion in tokens; longer examples are cut. */
  maxLength: defaulted(PositiveInt, 1024),
  /** Checkpoint every N steps (0: only at the end and on a stop). */
  checkpointEvery: defaulted(NonNegativeInt, 0),
  ...optimizerFields
})

/**
 * @since 0.1.0
 * @category models
 */
export type SftStage = typeof SftStage.Type

/**
 * GRPO: G completions per prompt, rewards from the reward plugins, the loss plugin's
 * aggregation, the KL plugin's β (none: no reference pass).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GrpoStage = Schema.Struct({
  kind: Schema.Literal("grpo"),
  steps: defaulted(PositiveInt, 100),
  /** Prompts per generation batch. */
  promptsPerStep: defaulted(PositiveInt, 8),
  /**
   * Train on a seeded sample of this many GRPO prompts (0: the whole GRPO split). Static
   * curricula (remove-hard …) probe only these, so their probe costs what the steps use.
   */
  promptPool: defaulted(NonNegativeInt, 0),
  /** Completions per prompt (G). */
  groupSize: defaulted(Schema.Int.check(Schema.isGreaterThanOrEqualTo(2)), 8),
  /** Policy updates per generation batch (μ); above 1 the PPO ratio clip applies. */
  iterations: defaulted(PositiveInt, 1),
  /** Ratio clip when the loss plugin gives none. */
  epsilon: defaulted(Positive, 0.2),
  epsilonHigh: Schema.optionalKey(Positive),
  /** Drop completions cut by `maxNewTokens` from the loss. */
  maskTruncated: defaulted(Schema.Boolean, false),
  /**
   * Truncated importance sampling against the sampler's log-probs: each token's policy
   * gradient × min(exp(log π_trainer − log π_sampler), cap). `false`: no correction.
   */
  importanceCap: defaulted(Schema.Union([Positive, Schema.Literal(false)]), 2),
  /**
   * Score the policy (and the KL reference) under softmax(logits / temperature), the
   * distribution the rollouts came from, as TRL does; false: at temperature 1. With a
   * temperature other than 1 it needs `importanceCap: false` (engines report log-probs at 1).
   */
  scoreAtSamplingTemperature: defaulted(Schema.Boolean, false),
  /**
   * One-step-async rollouts (remote engine only): step t+1's groups are generated with the
   * policy before step t's update while step t trains, so they are one version stale
   * (`policy_staleness`), corrected by `importanceCap`.
   */
  asyncRollouts: defaulted(Schema.Boolean, false),
  /** Concurrent reward-scoring calls (reward plugins may be async, e.g. a remote grouper). */
  scoringConcurrency: defaulted(PositiveInt, 4),
  /**
   * Generation batches of `promptsPerStep` prompts a step may draw when the resampling plugin
   * discards groups (DAPO's dynamic sampling, its `max_num_gen_batches`): the step trains on
   * the first `promptsPerStep` groups kept, or on fewer once this many batches are spent.
   */
  maxGenerationBatches: defaulted(PositiveInt, 4),
  /** Evaluate on the held-out split every N steps (0: only at the end). */
  evalEvery: defaulted(NonNegativeInt, 0),
  checkpointEvery: defaulted(PositiveInt, 50),
  ...samplingFields,
  ...optimizerFields,
  learningRate: defaulted(Positive, 1e-5),
  warmupRatio: defaulted(Fraction, 0)
})

/**
 * @since 0.1.0
 * @category models
 */
export type GrpoStage = typeof GrpoStage.Type

/**
 * DPO (staged learning between GRPO phases uses the stage plugin's settings; this is a
 * stand-alone DPO phase on preference pairs built from the policy's own samples on the
 * training prompts: per prompt, a highest-reward completion chosen, a lowest rejected).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DpoStage = Schema.Struct({
  kind: Schema.Literal("dpo"),
  epochs: defaulted(PositiveInt, 1),
  beta: defaulted(Positive, 0.1),
  /** Pairs per optimizer step. */
  batchSize: defaulted(PositiveInt, 4),
  /** Completions sampled per training prompt to build its pair. */
  samples: defaulted(Schema.Int.check(Schema.isGreaterThanOrEqualTo(2)), 4),
  /** Checkpoint every N steps (0: only at the end and on a stop). */
  checkpointEvery: defaulted(NonNegativeInt, 0),
  ...samplingFields,
  ...optimizerFields,
  learningRate: defaulted(Positive, 1e-6)
})

/**
 * @since 0.1.0
 * @category models
 */
export type DpoStage = typeof DpoStage.Type

/**
 * Evaluation on the held-out split: `samples` completions per case, Pass@1 / Pass@k /
 * Maj@k for the DRG, its family and its tier.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EvalStage = Schema.Struct({
  kind: Schema.Literal("eval"),
  samples: defaulted(PositiveInt, 8),
  /** Evaluate at most this many held-out cases (0: all). */
  limit: defaulted(NonNegativeInt, 0),
  ...samplingFields
})

/**
 * @since 0.1.0
 * @category models
 */
export type EvalStage = typeof EvalStage.Type

/**
 * One phase of a run.
 *
 * @since 0.1.0
 * @category schemas
 */
export const StageConfig = Schema.Union([SftStage, GrpoStage, DpoStage, EvalStage]).annotate({
  expected: `a stage { kind: "sft" | "grpo" | "dpo" | "eval", … }`
})

/**
 * @since 0.1.0
 * @category models
 */
export type StageConfig = typeof StageConfig.Type

const isPluginObject = (u: unknown): u is AnyPlugin =>
  typeof u === "object" && u !== null && !("use" in u) && typeof (u as { kind?: unknown }).kind === "string" &&
  typeof (u as { name?: unknown }).name === "string"

const isPluginFactory = (u: unknown): u is PluginFactory<any, AnyPlugin> =>
  typeof u === "function" && typeof (u as { pluginName?: unknown }).pluginName === "string"

/**
 * A plugin named by short name (`strict-reward`) or package name
 * (`@sapphire-rl/plugin-reward-drg`, `my-plugin-package:my-plugin` when the package has
 * several), with options its factory decodes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PluginRef = Schema.Struct({
  use: Schema.NonEmptyString,
  options: Schema.optionalKey(Schema.Unknown)
})

/**
 * One entry of the plugin list: a name, `{ use, options }`, a plugin object already made
 * by its factory, a factory (called with no options), or a falsy value (ignored, so
 * `[cond && "cosine-kl"]` works).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PluginEntry = Schema.Union([
  Schema.NonEmptyString,
  PluginRef,
  Schema.declare(isPluginObject, { expected: "a plugin object" }),
  Schema.declare(isPluginFactory, { expected: "a plugin factory" }),
  Schema.Literals([false, 0, ""]),
  Schema.Null,
  Schema.Undefined
]).annotate({ expected: `a plugin name, { use: "<name>", options }, a plugin object, or a falsy value` })

/**
 * @since 0.1.0
 * @category models
 */
export type PluginEntry = typeof PluginEntry.Type

/**
 * The whole run.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RunConfig = Schema.Struct({
  /** Names the run directory (`<out>` defaults to `runs/<name>`). */
  name: defaulted(Schema.String.check(Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)), "default"),
  seed: defaulted(Schema.Int, 0),
  /** The run directory; `runs/<name>` when absent. */
  out: Schema.optionalKey(Schema.NonEmptyString),
  backend: defaulted(Schema.Literals(["auto", "webgpu", "cpu"]), "auto"),
  model: defaulted(ModelConfig, { preset: "drg-small" }),
  training: defaulted(TrainingConfig, {}),
  engine: defaulted(EngineConfig, { kind: "local" }),
  data: defaulted(DataConfig, { source: "synthetic" }),
  split: defaulted(SplitConfig, {}),
  prompt: defaulted(PromptConfig, {}),
  stages: defaulted(Schema.Array(StageConfig), [{ kind: "sft" }, { kind: "grpo" }, { kind: "eval" }]),
  plugins: defaulted(Schema.Array(PluginEntry), []),
  /** Packages whose `sapphirePlugins` join the short names (beside the first-party ones). */
  pluginPackages: defaulted(Schema.Array(Schema.NonEmptyString), [])
})

/**
 * A decoded run config (defaults filled in).
 *
 * @since 0.1.0
 * @category models
 */
export type RunConfig = typeof RunConfig.Type

/**
 * What a user writes (every field with a default is optional).
 *
 * @since 0.1.0
 * @category models
 */
export type RunConfigInput = typeof RunConfig.Encoded

/**
 * Short names of the first-party plugins, for completion in `run.config.ts` files; any
 * other string (a package name, a third-party short name) is accepted too.
 *
 * @since 0.1.0
 * @category models
 */
export type KnownPluginName =
  | "format-reward"
  | "accuracy-reward"
  | "strict-reward"
  | "dense-reward"
  | "balanced-reward"
  | "grouper-consistency-reward"
  | "cot-first-penalty"
  | "grpo-loss"
  | "bnpo-loss"
  | "dapo-loss"
  | "dr-grpo-loss"
  | "group-std-advantage"
  | "dr-grpo-advantage"
  | "batch-std-advantage"
  | "rloo-advantage"
  | "constant-kl"
  | "cosine-kl"
  | "linear-kl"
  | "no-kl"
  | "neutral-resampling"
  | "positive-resampling"
  | "dynamic-sampling"
  | "remove-easy"
  | "remove-hard"
  | "remove-both"
  | "easy-to-hard"
  | "online-difficulty"
  | "staged-sft"
  | "staged-dpo"
  | "answer-first"
  | "cot-first"
  | "differential-thinking"
  | (string & {})

/**
 * The input of `defineRun`: the config with plugin names typed for completion.
 *
 * @since 0.1.0
 * @category models
 */
export type RunDefinition = Omit<RunConfigInput, "plugins"> & {
  readonly plugins?: ReadonlyArray<
    | KnownPluginName
    | { readonly use: KnownPluginName; readonly options?: unknown }
    | AnyPlugin
    | PluginFactory<any, AnyPlugin>
    | false
    | null
    | undefined
    | 0
    | ""
  >
}

/**
 * Types a `run.config.ts` file: `export default defineRun({ … })`. It returns its input;
 * the runtime decodes and checks it like any other config.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defineRun = <const C extends RunDefinition>(config: C): C => config
