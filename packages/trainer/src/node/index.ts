/**
 * Node-only parts of the trainer (checkpoint files).
 *
 * @since 0.1.0
 */
export * from "./checkpointNode.ts"
