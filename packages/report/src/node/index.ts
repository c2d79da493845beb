/**
 * Node-only entry of @sapphire-rl/report: run directories on disk.
 *
 * @since 0.1.0
 */
export * from "./readRunDirNode.ts"
