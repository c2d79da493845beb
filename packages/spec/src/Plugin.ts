/**
 * The shape every Sapphire-RL plugin shares, and `definePlugin`, which checks it.
 *
 * Plugins are plain objects made by factories (`strictReward()`, `dapoLoss()`), in the
 * spirit of Rollup and Vite plugins: a `name`, a `version`, a `kind` that says which
 * contract the rest of the object follows, the spec range it was written for, and the
 * hooks of that contract. Contracts carry plain numbers and strings, never tensors, so a
 * plugin needs nothing but this package.
 *
 * @since 1.0.0
 */
import { isValidRange, satisfiesRange } from "./SemverRange.ts"

/**
 * Version of the contracts in this package. The runtime accepts a plugin when this
 * version satisfies the plugin's `specRange`.
 *
 * @since 1.0.0
 * @category constants
 */
export const SPEC_VERSION = "2.0.0"

/**
 * The contracts a plugin can implement. Later minor releases may add kinds; they never
 * change the meaning of an existing one within a major version.
 *
 * - `grouper`: a label space and a grouper (e.g. MS-DRG v34);
 * - `reward`: one number (or `null`: does not apply) per finished rollout;
 * - `advantage`: rewards of the groups of a batch → advantages;
 * - `loss`: per-sequence weights over the masked token loss (the aggregation);
 * - `kl`: the KL estimator and `beta(step)`;
 * - `resampling`: retry, accept or discard a group whose rewards do not vary enough;
 * - `curriculum`: static filtering after a probe pass, per-batch selection;
 * - `stage`: a phase (SFT or DPO on failed cases) between GRPO phases;
 * - `behaviour`: the completion format and rationale order the prompts and SFT data use.
 *
 * @since 2.0.0
 * @category models
 */
export type PluginKind =
  | "grouper"
  | "reward"
  | "advantage"
  | "loss"
  | "kl"
  | "resampling"
  | "curriculum"
  | "stage"
  | "behaviour"

/**
 * Every kind, in a stable order.
 *
 * @since 2.0.0
 * @category constants
 */
export const PLUGIN_KINDS: ReadonlyArray<PluginKind> = [
  "grouper",
  "reward",
  "advantage",
  "loss",
  "kl",
  "resampling",
  "curriculum",
  "stage",
  "behaviour"
]

/**
 * The phases of a run a plugin may be limited to (`apply`).
 *
 * @since 2.0.0
 * @category models
 */
export type Phase = "sft" | "grpo" | "dpo" | "eval"

/**
 * Fields every plugin carries.
 *
 * @since 1.0.0
 * @category models
 */
export interface PluginBase<K extends PluginKind = PluginKind> {
  /** A short, unique name, e.g. `strict-reward`; also the key of its metrics. */
  readonly name: string
  /** The plugin's own semver version. */
  readonly version: string
  readonly kind: K
  /** The spec versions the plugin works with, as a semver range (`^2.0.0`). */
  readonly specRange: string
  /** The phases the plugin acts in; all phases where it has a hook when absent. */
  readonly apply?: ReadonlyArray<Phase>
  /** Ordering hint among plugins of one kind, as in Vite. */
  readonly enforce?: "pre" | "post"
}

/**
 * A plugin list as a run declares it: falsy entries are ignored so that
 * `[cond && strictReward()]` works.
 *
 * @since 1.0.0
 * @category models
 */
export type PluginList<P extends PluginBase = PluginBase> = ReadonlyArray<P | false | null | undefined | 0 | "">

/**
 * Thrown by `definePlugin` when a plugin object is malformed. This is a programming
 * error in the plugin's factory, so it is a plain exception, not a typed Effect error.
 *
 * @since 1.0.0
 * @category errors
 */
export class PluginDefinitionError extends Error {
  override readonly name = "PluginDefinitionError"
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/
const PHASES: ReadonlyArray<Phase> = ["sft", "grpo", "dpo", "eval"]

type Member = "function" | "number" | "string" | "object"

/**
 * The members each kind must have, and of what type: a kind's contract is not met by an
 * object that merely says `kind: "reward"`. Optional hooks are listed as `?name`; at
 * least one of a `|` group is required.
 */
const REQUIRED: Readonly<Record<PluginKind, ReadonlyArray<readonly [string, Member]>>> = {
  grouper: [["labelSpace", "object"], ["grouper", "object"]],
  reward: [["score", "function"], ["range", "object"], ["?weight", "number"]],
  advantage: [["advantages", "function"]],
  loss: [["sequenceWeights", "function"], ["?clip", "object"]],
  kl: [["estimator", "string"], ["beta", "function"]],
  resampling: [["maxAttempts", "number"], ["decide", "function"]],
  curriculum: [["?probe", "object"], ["prepare|selectBatch", "function"], ["?prepare", "function"], ["?selectBatch", "function"]],
  stage: [["phases", "number"], ["between", "function"]],
  behaviour: [["?systemPrompt", "string"], ["?rationaleStyle", "string"], ["?formatCompletion", "function"]]
}

const typeOf = (value: unknown): string => (value === null ? "null" : typeof value)

const checkMembers = (plugin: PluginBase): void => {
  const required = REQUIRED[plugin.kind]
  if (required === undefined) {
    throw new PluginDefinitionError(
      `plugin ${plugin.name}: kind must be one of ${PLUGIN_KINDS.join(", ")}, got ${JSON.stringify(plugin.kind)}`
    )
  }
  const record = plugin as unknown as Record<string, unknown>
  for (const [spec, type] of required) {
    const optional = spec.startsWith("?")
    const names = (optional ? spec.slice(1) : spec).split("|")
    const present = names.filter((n) => record[n] !== undefined)
    if (present.length === 0) {
      if (optional) continue
      throw new PluginDefinitionError(`plugin ${plugin.name} (kind ${plugin.kind}) lacks ${names.join(" or ")} (a ${type})`)
    }
    for (const n of present) {
      if (typeOf(record[n]) !== type) {
        throw new PluginDefinitionError(`plugin ${plugin.name}: ${n} must be a ${type}, got ${typeOf(record[n])}`)
      }
    }
  }
}

/**
 * Why a plugin cannot run with this spec, or `undefined` when it can.
 *
 * @since 2.0.0
 * @category predicates
 */
export const specRangeProblem = (plugin: { readonly name: string; readonly specRange?: unknown }): string | undefined => {
  if (typeof plugin.specRange !== "string" || !isValidRange(plugin.specRange)) {
    return `plugin ${plugin.name}: specRange must be a semver range such as "^2.0.0", got ${JSON.stringify(plugin.specRange)}`
  }
  if (!satisfiesRange(SPEC_VERSION, plugin.specRange)) {
    return `plugin ${plugin.name} needs spec ${plugin.specRange}, but this runtime has spec ${SPEC_VERSION}`
  }
  return undefined
}

/**
 * Checks a plugin object (name, semver version, known kind with its required hooks,
 * spec range satisfied by this spec, phases) and returns a frozen copy.
 *
 * @since 1.0.0
 * @category constructors
 */
export const definePlugin = <P extends PluginBase>(plugin: P): P => {
  if (typeof plugin.name !== "string" || plugin.name.trim() === "") {
    throw new PluginDefinitionError("plugin.name must be a non-empty string")
  }
  if (typeof plugin.version !== "string" || !SEMVER.test(plugin.version)) {
    throw new PluginDefinitionError(
      `plugin ${plugin.name}: version must be semver (e.g. 1.2.3), got ${JSON.stringify(plugin.version)}`
    )
  }
  const rangeProblem = specRangeProblem(plugin)
  if (rangeProblem !== undefined) throw new PluginDefinitionError(rangeProblem)
  checkMembers(plugin)
  if (plugin.apply !== undefined && (!Array.isArray(plugin.apply) || plugin.apply.some((p) => !PHASES.includes(p)))) {
    throw new PluginDefinitionError(`plugin ${plugin.name}: apply must list phases among ${PHASES.join(", ")}`)
  }
  if (plugin.enforce !== undefined && plugin.enforce !== "pre" && plugin.enforce !== "post") {
    throw new PluginDefinitionError(`plugin ${plugin.name}: enforce must be "pre" or "post"`)
  }
  return Object.freeze({ ...plugin })
}

/**
 * Drops the falsy entries of a plugin list.
 *
 * @since 1.0.0
 * @category utils
 */
export const compactPlugins = <P extends PluginBase>(list: PluginList<P>): ReadonlyArray<P> =>
  list.filter((p): p is P => Boolean(p))

/**
 * Orders plugins as Vite does: `enforce: "pre"` first, then unmarked, then `"post"`,
 * keeping the list order within each.
 *
 * @since 2.0.0
 * @category utils
 */
export const orderPlugins = <P extends PluginBase>(plugins: ReadonlyArray<P>): ReadonlyArray<P> => [
  ...plugins.filter((p) => p.enforce === "pre"),
  ...plugins.filter((p) => p.enforce === undefined),
  ...plugins.filter((p) => p.enforce === "post")
]

/**
 * A value or a promise of it: hooks may be synchronous or not.
 *
 * @since 2.0.0
 * @category models
 */
export type Awaitable<A> = A | PromiseLike<A>
