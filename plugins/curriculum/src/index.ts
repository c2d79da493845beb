/**
 * @sapphire-rl/plugin-curriculum: which training examples, in what order.
 *
 * @since 0.1.0
 */
import type { PluginPackage } from "@sapphire-rl/spec"
import { easyToHard, onlineDifficulty, removeBoth, removeEasy, removeHard } from "./curriculumPlugins.ts"

export * from "./curriculumPlugins.ts"
export * from "./difficulty.ts"
export { PLUGIN_VERSION } from "./version.ts"

/**
 * This package's factories, for runtimes that load plugins by package name.
 *
 * @since 0.1.0
 * @category plugins
 */
export const sapphirePlugins: PluginPackage["plugins"] = [removeEasy, removeHard, removeBoth, easyToHard, onlineDifficulty]
