/**
 * @sapphire-rl/data: the synthetic MS-DRG benchmark generator, real-format readers, prompt and
 * SFT builders, and splits. Node file IO lives in `src/node/` and the `sapphire-data` CLI.
 */
export * from "./Prng.ts"
export * from "./Vocabulary.ts"
export * from "./Conflicts.ts"
export * from "./Distractors.ts"
export * from "./Scenarios.ts"
export * from "./CaseSampler.ts"
export * from "./NoteRenderer.ts"
export * from "./Record.ts"
export * from "./Generator.ts"
export * from "./Csv.ts"
export * from "./DataReadError.ts"
export * from "./Readers.ts"
export * from "./Prompt.ts"
export * from "./Mdc.ts"
export * from "./Corpus.ts"
export * from "./Rationale.ts"
export * from "./Sft.ts"
export * from "./RlExample.ts"
export * from "./Splits.ts"
export * from "./Stats.ts"
