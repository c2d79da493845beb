/**
 * Node-only entry point of @sapphire-rl/data: reading record files.
 */
export * from "./readFilesNode.ts"
export * from "./drgDataNode.ts"
