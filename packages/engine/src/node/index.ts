/**
 * Node-only entry point of @sapphire-rl/engine: policy sync that writes adapters and weights to disk.
 *
 * @since 0.1.0
 */
export * from "./policySyncNode.ts"
export * from "./layerRemoteNode.ts"
