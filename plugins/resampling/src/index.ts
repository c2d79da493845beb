/**
 * @sapphire-rl/plugin-resampling: what to do with groups whose rewards do not vary.
 *
 * @since 0.1.0
 */
import type { PluginPackage } from "@sapphire-rl/spec"
import { dynamicSampling, neutralResampling, positiveResampling } from "./resamplingPlugins.ts"

export * from "./groupStats.ts"
export * from "./resamplingPlugins.ts"
export { PLUGIN_VERSION } from "./version.ts"

/**
 * This package's factories, for runtimes that load plugins by package name.
 *
 * @since 0.1.0
 * @category plugins
 */
export const sapphirePlugins: PluginPackage["plugins"] = [neutralResampling, positiveResampling, dynamicSampling]
