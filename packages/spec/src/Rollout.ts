/**
 * A finished completion, as plugins see it.
 *
 * @since 2.0.0
 */

/**
 * The gold answer of a DRG case: its number and its title in the label space's form.
 *
 * @since 2.0.0
 * @category models
 */
export interface DrgGold {
  readonly drg: number
  readonly title: string
}

/**
 * One finished rollout.
 *
 * @since 2.0.0
 * @category models
 */
export interface Rollout<Gold = DrgGold> {
  /** The example (prompt) it answers; the rollouts of one group share it. */
  readonly exampleId: string
  /** Index within its group (0 … G−1). */
  readonly sampleIndex: number
  readonly gold: Gold
  /** The completion text (special tokens removed, cut at the stop string). */
  readonly text: string
  /** Completion length in tokens. */
  readonly tokens: number
  /** `length` when the completion hit the token budget. */
  readonly finishReason: "stop" | "length"
  /** Which policy version sampled it (0 = the starting weights). */
  readonly policyVersion: number
}
