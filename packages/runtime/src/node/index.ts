/**
 * Node-only entry point of @sapphire-rl/runtime.
 *
 * @since 0.1.0
 */
export * from "./PluginImporterNode.ts"
