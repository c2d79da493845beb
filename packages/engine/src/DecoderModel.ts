/**
 * What the engine needs from a model: a decoding session over a preallocated KV cache
 * (prefill a prompt into some rows, then one token per row per step) and a no-grad
 * scoring pass. `@sapphire-rl/model`'s Qwen2 provides both; tests may use toy models.
 *
 * @since 0.1.0
 */

/**
 * A batch of rows sharing one preallocated KV cache.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodeSession {
  readonly rows: number
  /** Tokens each row can hold (prompt + generated). */
  readonly capacity: number
  /**
   * Runs `prompt` once and copies its cache into every row of `rows` (rows must be fresh).
   * Returns the logits after the last prompt token, [vocab].
   */
  readonly prefill: (prompt: ReadonlyArray<number>, rows: ReadonlyArray<number>) => Promise<Float32Array>
  /** Optional: several prompts in batched forwards; same result as `prefill` on each in turn. */
  readonly prefillMany?: (
    items: ReadonlyArray<{ readonly prompt: ReadonlyArray<number>; readonly rows: ReadonlyArray<number> }>
  ) => Promise<Array<Float32Array>>
  /** Optional: keeps only these rows (renumbered 0 … n-1 in that order) to stop paying for finished ones. */
  readonly retain?: (rows: ReadonlyArray<number>) => void
  /** Appends `tokens[r]` to every row r and returns the next logits, [rows, vocab]. */
  readonly step: (tokens: ReadonlyArray<number>) => Promise<Float32Array>
  readonly dispose: () => void
}

/**
 * A causal language model the engine can drive.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecoderModel {
  readonly vocabSize: number
  /** Ids that end generation (config `eos_token_id`). */
  readonly eosTokenIds: ReadonlyArray<number>
  readonly openSession: (rows: number, capacity: number) => DecodeSession
  /**
   * For each sequence, log p(sequence[t] | sequence[..t]) for t in [start, length), as
   * the model computes them without gradient (one forward over the whole sequence).
   */
  readonly sequenceLogprobs: (
    sequences: ReadonlyArray<ReadonlyArray<number>>,
    starts: ReadonlyArray<number>
  ) => Promise<Array<Float32Array>>
}
