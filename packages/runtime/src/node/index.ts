/**
 * Node-only entry point of @sapphire-rl/runtime.
 *
 * @since 0.1.0
 */
export * from "./PluginImporterNode.ts"
export * from "./PolicyModelNode.ts"
export * from "./ProgressNode.ts"
export * from "./StopSignalNode.ts"
export * from "./MetricsLogNode.ts"
export * from "./RunFilesNode.ts"
export * from "./RunCheckpointsNode.ts"
export * from "./runNode.ts"
export * from "./loadRunConfigFile.ts"
export * from "./evalNode.ts"
export * from "./TerminalBarsNode.ts"
