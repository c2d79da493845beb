/**
 * The plugins of a run, by slot, after the slot rules: what the trainer and the pipeline
 * consume.
 *
 * @since 0.1.0
 */
import { msdrgV34 } from "@sapphire-rl/plugin-msdrg-v34"
import type {
  AdvantagePlugin,
  AnyPlugin,
  BehaviourPlugin,
  CurriculumPlugin,
  GrouperPlugin,
  KlPlugin,
  LossPlugin,
  Phase,
  PluginKind,
  ResamplingPlugin,
  RewardPlugin,
  StagePlugin
} from "@sapphire-rl/spec"
import { orderPlugins } from "@sapphire-rl/spec"
import type { ConfigIssue } from "./ConfigIssue.ts"
import { groupStdAdvantage } from "./groupStdAdvantage.ts"
import type { ResolvedPlugin } from "./resolvePlugins.ts"

/**
 * One plugin per single slot, lists for the others; defaults filled in (the MS-DRG v34
 * grouper, group-std advantages).
 *
 * @since 0.1.0
 * @category models
 */
export interface PluginSet {
  /** Every plugin of the run, ordered by `enforce` (pre, unmarked, post), defaults last. */
  readonly all: ReadonlyArray<AnyPlugin>
  readonly grouper: GrouperPlugin
  readonly rewards: ReadonlyArray<RewardPlugin>
  readonly advantage: AdvantagePlugin
  /** Present whenever the run has a GRPO stage. */
  readonly loss: LossPlugin | undefined
  /** Absent: no KL term and no reference pass. */
  readonly kl: KlPlugin | undefined
  readonly resampling: ResamplingPlugin | undefined
  readonly curricula: ReadonlyArray<CurriculumPlugin>
  readonly stage: StagePlugin | undefined
  readonly behaviour: BehaviourPlugin | undefined
}

/**
 * How many plugins of a kind a run may have, and when.
 *
 * @since 0.1.0
 * @category constants
 */
export const SLOT_RULES: Readonly<Record<PluginKind, { readonly min: "grpo" | 0; readonly max: number }>> = {
  grouper: { min: 0, max: 1 },
  reward: { min: "grpo", max: Number.POSITIVE_INFINITY },
  advantage: { min: 0, max: 1 },
  loss: { min: "grpo", max: 1 },
  kl: { min: 0, max: 1 },
  resampling: { min: 0, max: 1 },
  curriculum: { min: 0, max: Number.POSITIVE_INFINITY },
  stage: { min: 0, max: 1 },
  behaviour: { min: 0, max: 1 }
}

const appliesTo = (plugin: AnyPlugin, phase: Phase): boolean => plugin.apply === undefined || plugin.apply.includes(phase)

const describe = (r: ResolvedPlugin): string => `${r.plugin.name} (plugins[${r.index}])`

/**
 * Checks the slot rules: a GRPO stage needs exactly one loss and at least one reward; at
 * most one KL, advantage estimator, resampler, stage plugin, behaviour and grouper; plugin
 * names unique. `choices` lists the installed plugins of a kind, for the messages.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkSlots = (
  resolved: ReadonlyArray<ResolvedPlugin>,
  phases: ReadonlyArray<Phase>,
  choices: (kind: PluginKind) => ReadonlyArray<string> = () => []
): ReadonlyArray<ConfigIssue> => {
  const issues: Array<ConfigIssue> = []
  const seen = new Map<string, ResolvedPlugin>()
  for (const r of resolved) {
    const first = seen.get(r.plugin.name)
    if (first !== undefined) {
      issues.push({ path: `plugins[${r.index}]`, message: `plugin ${r.plugin.name} is already in the list at plugins[${first.index}]` })
    } else seen.set(r.plugin.name, r)
  }
  const grpo = phases.includes("grpo")
  for (const [kind, rule] of Object.entries(SLOT_RULES) as Array<[PluginKind, (typeof SLOT_RULES)[PluginKind]]>) {
    const ofKind = resolved.filter((r) => r.plugin.kind === kind)
    // Two plugins of a single slot clash only where they both act.
    const clash = phases.find((phase) => ofKind.filter((r) => appliesTo(r.plugin, phase)).length > rule.max)
    if (clash !== undefined) {
      const clashing = ofKind.filter((r) => appliesTo(r.plugin, clash))
      issues.push({
        path: `plugins[${clashing[1]?.index ?? 0}]`,
        message: `a run takes at most one ${kind} plugin, got ${clashing.map(describe).join(" and ")}${
          clashing.some((r) => r.plugin.apply !== undefined) ? ` (all act in ${clash})` : ""
        }`
      })
    }
    if (rule.min === "grpo" && grpo && !ofKind.some((r) => appliesTo(r.plugin, "grpo"))) {
      const available = choices(kind)
      issues.push({
        path: "plugins",
        message: `a GRPO stage needs ${kind === "loss" ? "exactly one" : "at least one"} ${kind} plugin, got none${
          available.length === 0 ? "" : `; installed: ${available.join(", ")}`
        }`
      })
    }
  }
  return issues
}

/**
 * The plugin set of resolved plugins that passed `checkSlots`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePluginSet = (resolved: ReadonlyArray<ResolvedPlugin>): PluginSet => {
  const ordered = orderPlugins(resolved.map((r) => r.plugin))
  const ofKind = <K extends PluginKind>(kind: K) => ordered.filter((p): p is Extract<AnyPlugin, { kind: K }> => p.kind === kind)
  const grouper = ofKind("grouper")[0] ?? msdrgV34()
  const advantage = ofKind("advantage")[0] ?? groupStdAdvantage()
  const defaults = [
    ...(ofKind("grouper").length === 0 ? [grouper] : []),
    ...(ofKind("advantage").length === 0 ? [advantage] : [])
  ]
  return {
    all: [...ordered, ...defaults],
    grouper,
    rewards: ofKind("reward"),
    advantage,
    loss: ofKind("loss")[0],
    kl: ofKind("kl")[0],
    resampling: ofKind("resampling")[0],
    curricula: ofKind("curriculum"),
    stage: ofKind("stage")[0],
    behaviour: ofKind("behaviour")[0]
  }
}
