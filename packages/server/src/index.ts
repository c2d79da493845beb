/**
 * @sapphire-rl/server: the engine as an OpenAI-compatible completions server (portable
 * parts: request decoding, routes, the batching device queue).
 *
 * @since 0.0.0
 */
export * from "./ApiError.ts"
export * from "./CompletionRequest.ts"
export * from "./CompletionsHandler.ts"
export * from "./DeviceQueue.ts"
export * from "./ModelStore.ts"
