/**
 * @sapphire-rl/plugin-staged: GRPO in phases with SFT or DPO on the failed cases between them.
 *
 * @since 0.1.0
 */
import type { PluginPackage } from "@sapphire-rl/spec"
import { stagedDpo, stagedSft } from "./stagedPlugins.ts"

export * from "./stagedPlugins.ts"
export { PLUGIN_VERSION } from "./version.ts"

/**
 * This package's factories, for runtimes that load plugins by package name.
 *
 * @since 0.1.0
 * @category plugins
 */
export const sapphirePlugins: PluginPackage["plugins"] = [stagedSft, stagedDpo]
