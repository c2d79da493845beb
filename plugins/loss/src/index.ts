/**
 * @sapphire-rl/plugin-loss: loss aggregations (GRPO, BNPO, DAPO, Dr. GRPO) and advantage
 * estimators (group std, Dr. GRPO, batch std, RLOO).
 *
 * @since 0.1.0
 */
import type { PluginPackage } from "@sapphire-rl/spec"
import { batchStdAdvantage, drGrpoAdvantage, groupStdAdvantage, rlooAdvantage } from "./advantagePlugins.ts"
import { bnpoLoss, dapoLoss, drGrpoLoss, grpoLoss } from "./lossPlugins.ts"

export * from "./advantage.ts"
export * from "./advantagePlugins.ts"
export * from "./aggregation.ts"
export * from "./lossPlugins.ts"
export { PLUGIN_VERSION } from "./version.ts"

/**
 * This package's factories, for runtimes that load plugins by package name.
 *
 * @since 0.1.0
 * @category plugins
 */
export const sapphirePlugins: PluginPackage["plugins"] = [
  grpoLoss,
  bnpoLoss,
  dapoLoss,
  drGrpoLoss,
  groupStdAdvantage,
  drGrpoAdvantage,
  batchStdAdvantage,
  rlooAdvantage
]
