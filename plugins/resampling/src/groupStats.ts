/**
 * Reward statistics of a group.
 *
 * @since 0.1.0
 */

/**
 * Standard deviation with Bessel's correction (as `torch.std`, which DRG-Sapphire's trainer
 * uses); 0 for fewer than two values.
 *
 * @since 0.1.0
 * @category utils
 */
export const rewardStd = (rewards: ReadonlyArray<number>): number => {
  if (rewards.length < 2) return 0
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length
  return Math.sqrt(rewards.reduce((a, r) => a + (r - mean) * (r - mean), 0) / (rewards.length - 1))
}

/**
 * One of `temperatures`, drawn uniformly with the run's seeded `random`.
 *
 * @since 0.1.0
 * @category utils
 */
export const drawTemperature = (temperatures: ReadonlyArray<number>, random: () => number): number =>
  temperatures[Math.min(temperatures.length - 1, Math.floor(random() * temperatures.length))]!
