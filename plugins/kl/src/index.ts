/**
 * @sapphire-rl/plugin-kl: the KL penalty's estimator and schedule.
 *
 * @since 0.1.0
 */
import type { PluginPackage } from "@sapphire-rl/spec"
import { constantKl, cosineKl, linearKl, noKl } from "./klPlugins.ts"

export * from "./estimators.ts"
export * from "./klPlugins.ts"
export * from "./schedules.ts"
export { PLUGIN_VERSION } from "./version.ts"

/**
 * This package's factories, for runtimes that load plugins by package name.
 *
 * @since 0.1.0
 * @category plugins
 */
export const sapphirePlugins: PluginPackage["plugins"] = [constantKl, cosineKl, linearKl, noKl]
