/**
 * @sapphire-rl/plugin-reward-drg: DRG-Sapphire's format and accuracy rewards (strict, dense,
 * balanced), and a grouper-consistency process reward.
 *
 * @since 0.1.0
 */
import type { PluginPackage } from "@sapphire-rl/spec"
import { accuracyReward, balancedReward, denseReward, strictReward } from "./accuracyReward.ts"
import { formatReward } from "./formatReward.ts"
import { grouperConsistencyReward } from "./grouperConsistencyReward.ts"

export * from "./accuracy.ts"
export * from "./accuracyReward.ts"
export * from "./codesLine.ts"
export * from "./formatReward.ts"
export * from "./grouperConsistencyReward.ts"
export * from "./scoreCompletion.ts"
export * from "./titleIndex.ts"
export { PLUGIN_VERSION } from "./version.ts"
export { DRG_REWARD_USAGE, runDrgReward, type DrgRewardIo } from "./cli/drgRewardCli.ts"

/**
 * This package's factories, for runtimes that load plugins by package name.
 *
 * @since 0.1.0
 * @category plugins
 */
export const sapphirePlugins: PluginPackage["plugins"] = [
  formatReward,
  accuracyReward,
  strictReward,
  denseReward,
  balancedReward,
  grouperConsistencyReward
]
