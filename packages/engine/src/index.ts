/**
 * @sapphire-rl/engine: batched sampling over a preallocated KV cache (temperature, top-p,
 * top-k, seeds, stop strings, n samples per prompt) and the no-grad scoring pass.
 *
 * @since 0.1.0
 */
export * from "./DecoderModel.ts"
export * from "./Generate.ts"
export * from "./Rng.ts"
export * from "./SamplingParams.ts"
export * from "./Score.ts"
export * from "./StopStrings.ts"
export * from "./TokenSampler.ts"
export * from "./Engine.ts"
export * from "./ImportanceSampling.ts"
export * from "./remote/CompletionsWire.ts"
export * from "./remote/FleetDispatcher.ts"
export * from "./remote/RemoteEngine.ts"
export * from "./remote/PolicySync.ts"
