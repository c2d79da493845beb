/**
 * Node-only entry point of @sapphire-rl/model: file-system access to snapshots.
 *
 * @since 0.1.0
 */
export * from "./snapshotNode.ts"
export * from "./modelNode.ts"
export * from "./acquireQwen2Node.ts"
