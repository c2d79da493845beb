/**
 * Behaviour: the completion format the model is taught and asked for.
 *
 * @since 2.0.0
 */
import type { PluginBase } from "./Plugin.ts"

/**
 * The order of reasoning and answer in an SFT rationale: reasoning then answer
 * (`cot-first`), answer stated first then justified (`answer-first`), or three
 * candidate DRGs weighed before choosing (`differential`).
 *
 * @since 2.0.0
 * @category models
 */
export type RationaleStyle = "cot-first" | "answer-first" | "differential"

/**
 * Prompt and format choices. Penalties on behaviour (CoT-first: no answer in the first
 * reasoning tokens) are reward plugins.
 *
 * @since 2.0.0
 * @category models
 */
export interface BehaviourPlugin extends PluginBase<"behaviour"> {
  /** Replaces the system prompt of GRPO and evaluation prompts. */
  readonly systemPrompt?: string
  /** The rationale order of SFT completions. */
  readonly rationaleStyle?: RationaleStyle
  /** Builds a completion from reasoning and answer (default: the think/answer tags). */
  readonly formatCompletion?: (think: string, answer: string) => string
}
