/**
 * The KL plugins.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, type KlEstimator, type KlPlugin } from "@sapphire-rl/spec"
import { literal, number, optionsSchema } from "./options.ts"
import { cosineBeta, linearBeta } from "./schedules.ts"
import { PLUGIN_VERSION } from "./version.ts"

const estimator = literal(["k1", "k2", "k3"], "k3")
const beta = number(0.04, { min: 0 })

const plugin = (name: string, est: KlEstimator, schedule: (step: number, totalSteps: number) => number): KlPlugin =>
  definePlugin<KlPlugin>({ name, version: PLUGIN_VERSION, kind: "kl", specRange: "^2.0.0", estimator: est, beta: schedule })

/**
 * Options of the constant schedule.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConstantKlOptions {
  readonly beta: number
  readonly estimator: KlEstimator
}

/**
 * Options of the decaying schedules.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecayingKlOptions extends ConstantKlOptions {
  readonly final: number
}

const finalNotAbove = (o: DecayingKlOptions) => (o.final > o.beta ? [{ path: "final", message: `expected a number <= beta (${o.beta}), got ${o.final}` }] : [])

/**
 * A constant KL coefficient (`beta` 0.04, estimator k3: GRPO's and DRG-Sapphire's default).
 *
 * @since 0.1.0
 * @category factories
 */
export const constantKl = definePluginFactory(
  { pluginName: "constant-kl", kind: "kl", description: "KL penalty with a constant β (default 0.04, k3)", options: optionsSchema({ beta, estimator }) },
  (options: ConstantKlOptions): KlPlugin => plugin("constant-kl", options.estimator, () => options.beta)
)

/**
 * Cosine decay of β from `beta` to `final` (default 0) over the phase (paper A.4, part of
 * DRG-Sapphire's best configuration).
 *
 * @since 0.1.0
 * @category factories
 */
export const cosineKl = definePluginFactory(
  {
    pluginName: "cosine-kl",
    kind: "kl",
    description: "KL penalty with β decaying from 0.04 to 0 on a cosine (the paper's KL decay)",
    options: optionsSchema({ beta, final: number(0, { min: 0 }), estimator }, finalNotAbove)
  },
  (options: DecayingKlOptions): KlPlugin => plugin("cosine-kl", options.estimator, (step, total) => cosineBeta(options.beta, options.final, step, total))
)

/**
 * Linear decay of β from `beta` to `final` (default 0) over the phase.
 *
 * @since 0.1.0
 * @category factories
 */
export const linearKl = definePluginFactory(
  {
    pluginName: "linear-kl",
    kind: "kl",
    description: "KL penalty with β decaying linearly from 0.04 to 0",
    options: optionsSchema({ beta, final: number(0, { min: 0 }), estimator }, finalNotAbove)
  },
  (options: DecayingKlOptions): KlPlugin => plugin("linear-kl", options.estimator, (step, total) => linearBeta(options.beta, options.final, step, total))
)

/**
 * No KL term: β ≡ 0, so the runtime runs no reference pass (the paper's "No KL").
 *
 * @since 0.1.0
 * @category factories
 */
export const noKl = definePluginFactory(
  { pluginName: "no-kl", kind: "kl", description: "No KL penalty (β = 0; no reference model pass)", options: optionsSchema({}) },
  (): KlPlugin => plugin("no-kl", "k3", () => 0)
)
