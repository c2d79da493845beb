/**
 * Node-only entry point of @sapphire-rl/server: the HTTP listener and the directory-backed model store.
 *
 * @since 0.0.0
 */
export * from "./modelStoreNode.ts"
export * from "./serveNode.ts"
export * from "./runServerNode.ts"
