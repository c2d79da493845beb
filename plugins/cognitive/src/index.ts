/**
 * @sapphire-rl/plugin-cognitive: answer-first, CoT-first and differential-thinking formats,
 * and the CoT-first penalty reward.
 *
 * @since 0.1.0
 */
import type { PluginPackage } from "@sapphire-rl/spec"
import { answerFirst, cotFirst, differentialThinking } from "./behaviourPlugins.ts"
import { cotFirstPenalty } from "./cotFirstPenalty.ts"

export * from "./behaviourPlugins.ts"
export * from "./cotFirstPenalty.ts"
export { PLUGIN_VERSION } from "./version.ts"

/**
 * This package's factories, for runtimes that load plugins by package name.
 *
 * @since 0.1.0
 * @category plugins
 */
export const sapphirePlugins: PluginPackage["plugins"] = [answerFirst, cotFirst, cotFirstPenalty, differentialThinking]
