/**
 * Preference pairs from the policy's own scored samples: in each prompt's group, a
 * completion with the highest total reward (chosen: a correct one whenever the group has
 * one) against one with the lowest (rejected); groups whose samples all scored the same
 * give no pair.
 *
 * @since 0.1.0
 */
import type { PreferencePair } from "@sapphire-rl/trainer"

/**
 * A pair and where it came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScoredPair extends PreferencePair {
  readonly exampleId: string
  readonly chosenReward: number
  readonly rejectedReward: number
}

/**
 * One pair per group whose rewards differ (first best, first worst).
 *
 * @since 0.1.0
 * @category pairs
 */
export const preferencePairs = (
  groups: ReadonlyArray<{
    readonly exampleId: string
    readonly prompt: ReadonlyArray<number>
    readonly completions: ReadonlyArray<{ readonly ids: ReadonlyArray<number> }>
    readonly rewards: ReadonlyArray<number>
  }>
): Array<ScoredPair> =>
  groups.flatMap((g) => {
    let best = 0
    let worst = 0
    g.rewards.forEach((r, i) => {
      if (r > g.rewards[best]!) best = i
      if (r < g.rewards[worst]!) worst = i
    })
    const chosen = g.completions[best]?.ids ?? []
    const rejected = g.completions[worst]?.ids ?? []
    if (!(g.rewards[best]! > g.rewards[worst]!) || chosen.length === 0 || rejected.length === 0) return []
    return [{ exampleId: g.exampleId, prompt: g.prompt, chosen, rejected, chosenReward: g.rewards[best]!, rejectedReward: g.rewards[worst]! }]
  })
