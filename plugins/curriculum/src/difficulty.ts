/**
 * Easy and hard, from probe rewards.
 *
 * @since 0.1.0
 */
import type { RewardBounds } from "@sapphire-rl/spec"

/**
 * Where "easy" and "hard" begin.
 *
 * @since 0.1.0
 * @category models
 */
export interface DifficultyThresholds {
  /** Easy: every sample scored at least `bounds.max − easyTolerance` (default 0: the maximum). */
  readonly easyTolerance: number
  /** Hard: every sample scored at most `hardAtMost` (default 0: nothing earned a positive reward). */
  readonly hardAtMost: number
}

/**
 * Whether every probe sample scored the maximum (within the tolerance). An example with no
 * samples is neither easy nor hard.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isEasy = (rewards: ReadonlyArray<number>, bounds: RewardBounds, t: DifficultyThresholds): boolean =>
  rewards.length > 0 && rewards.every((r) => r >= bounds.max - t.easyTolerance)

/**
 * Whether every probe sample scored at most `hardAtMost`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isHard = (rewards: ReadonlyArray<number>, t: DifficultyThresholds): boolean =>
  rewards.length > 0 && rewards.every((r) => r <= t.hardAtMost)

/**
 * Mean reward, `undefined` for no samples.
 *
 * @since 0.1.0
 * @category utils
 */
export const meanReward = (rewards: ReadonlyArray<number>): number | undefined =>
  rewards.length === 0 ? undefined : rewards.reduce((a, b) => a + b, 0) / rewards.length
