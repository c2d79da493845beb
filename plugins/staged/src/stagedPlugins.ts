/**
 * The staged-learning plugins.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, type ProbeResult, type RewardBounds, type StageAction, type StagePlugin } from "@sapphire-rl/spec"
import { number, optional, optionsSchema } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * Options shared by both stages.
 *
 * @since 0.1.0
 * @category models
 */
export interface StagedOptions {
  /** Equal GRPO phases (default 3, at least 2). */
  readonly phases: number
  /** Probe samples per training case after each phase (default 8). */
  readonly samples: number
  /** Epochs of the supervised phase (default 3). */
  readonly epochs: number
  /** Its learning rate; the runtime's default when absent. */
  readonly learningRate: number | undefined
  /** A case is failed when every probe sample scored at most this (default 0). */
  readonly hardAtMost: number
}

/**
 * Options of `stagedDpo`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StagedDpoOptions extends StagedOptions {
  /** DPO's β (default 0.1). */
  readonly beta: number
}

const fields = {
  phases: number(3, { min: 2, integer: true }),
  samples: number(8, { min: 1, integer: true }),
  epochs: number(3, { min: 1, integer: true }),
  learningRate: optional(number(0, { above: 0 })),
  hardAtMost: number(0)
}

/**
 * The ids of the failed cases: every probe sample at most `hardAtMost`.
 *
 * @since 0.1.0
 * @category selection
 */
export const failedCases = (probe: ReadonlyArray<ProbeResult>, hardAtMost: number): ReadonlyArray<string> =>
  probe.filter((p) => p.rewards.length > 0 && p.rewards.every((r) => r <= hardAtMost)).map((p) => p.exampleId)

const staged = (name: string, options: StagedOptions, action: StageAction): StagePlugin =>
  definePlugin<StagePlugin>({
    name,
    version: PLUGIN_VERSION,
    kind: "stage",
    specRange: "^2.0.0",
    phases: options.phases,
    probe: { samples: options.samples },
    between: (phase) => (Number.isInteger(phase) && phase >= 0 && phase < options.phases - 1 ? action : { kind: "none" }),
    selectCases: (probe: ReadonlyArray<ProbeResult>, _bounds: RewardBounds) => failedCases(probe, options.hardAtMost)
  })

const withRate = (options: StagedOptions) => (options.learningRate === undefined ? {} : { learningRate: options.learningRate })

/**
 * Staged SFT: GRPO in `phases` equal phases; after each but the last, the current policy
 * writes new reasoning for the failed cases given their gold DRG, and SFT runs `epochs` on it.
 *
 * @since 0.1.0
 * @category factories
 */
export const stagedSft = definePluginFactory(
  {
    pluginName: "staged-sft",
    kind: "stage",
    description: "GRPO in 3 phases with SFT (3 epochs) on the failed cases between them",
    options: optionsSchema(fields)
  },
  (options: StagedOptions): StagePlugin => staged("staged-sft", options, { kind: "sft", epochs: options.epochs, ...withRate(options) })
)

/**
 * Staged DPO: as staged SFT, but DPO with the new reasoning as chosen and the policy's own
 * failed completion as rejected.
 *
 * @since 0.1.0
 * @category factories
 */
export const stagedDpo = definePluginFactory(
  {
    pluginName: "staged-dpo",
    kind: "stage",
    description: "GRPO in 3 phases with DPO (3 epochs, β 0.1; failed output rejected) on the failed cases between them",
    options: optionsSchema({ ...fields, beta: number(0.1, { above: 0 }) })
  },
  (options: StagedDpoOptions): StagePlugin =>
    staged("staged-dpo", options, { kind: "dpo", epochs: options.epochs, beta: options.beta, ...withRate(options) })
)
