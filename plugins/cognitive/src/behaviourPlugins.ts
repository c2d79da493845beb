/**
 * The completion formats: answer-first, CoT-first and differential thinking.
 *
 * @since 0.1.0
 */
import { definePlugin, definePluginFactory, type BehaviourPlugin } from "@sapphire-rl/spec"
import { number, optionsSchema, type OptionField } from "./options.ts"
import { PLUGIN_VERSION } from "./version.ts"

/**
 * The think/answer completion every behaviour produces, so the format reward accepts it.
 *
 * @since 0.1.0
 * @category formatting
 */
export const thinkAnswer = (think: string, answer: string): string => `<think>\n${think.trim()}\n</think>\n<answer>\n${answer.trim()}\n</answer>`

const FORMAT_SENTENCE =
  "Write your reasoning inside <think> </think> tags and then the final answer, the complete MS-DRG title without its number, inside <answer> </answer> tags: <think>\n...\n</think>\n<answer>\n...\n</answer>."

/**
 * The system prompts (ours; the paper used Open-R1's default, which asks for the same tags).
 *
 * @since 0.1.0
 * @category constants
 */
export const SYSTEM_PROMPTS = {
  "answer-first": `You are a clinical coding assistant. Begin your reasoning by naming the most likely MS-DRG, then justify it from the discharge summary. ${FORMAT_SENTENCE}`,
  "cot-first": `You are a clinical coding assistant. Reason step by step from the discharge summary (principal diagnosis or procedure, then complications and comorbidities) before you name any MS-DRG. ${FORMAT_SENTENCE}`,
  "differential": (candidates: number) =>
    `You are a clinical coding assistant. Reason from the discharge summary, name ${candidates} candidate MS-DRGs, weigh the evidence for and against each, then choose the most appropriate one. ${FORMAT_SENTENCE}`
} as const

const template: OptionField<string> = {
  expected: 'a string containing "{answer}"',
  defaultValue: "The most likely MS-DRG is {answer}.",
  decode: (value) => (typeof value === "string" && value.includes("{answer}") ? { value } : undefined)
}

/**
 * Answer-first: the rationale opens by stating the DRG (`lead`, default "The most likely
 * MS-DRG is {answer}."), then justifies it; the pattern the paper's policy converged to and
 * its best.
 *
 * @since 0.1.0
 * @category factories
 */
export const answerFirst = definePluginFactory(
  {
    pluginName: "answer-first",
    kind: "behaviour",
    description: "Answer-first rationales: the reasoning opens with the DRG, then justifies it",
    options: optionsSchema({ lead: template })
  },
  (options: { readonly lead: string }): BehaviourPlugin =>
    definePlugin<BehaviourPlugin>({
      name: "answer-first",
      version: PLUGIN_VERSION,
      kind: "behaviour",
      specRange: "^2.0.0",
      systemPrompt: SYSTEM_PROMPTS["answer-first"],
      rationaleStyle: "answer-first",
      formatCompletion: (think, answer) => thinkAnswer(`${options.lead.replaceAll("{answer}", answer.trim())}\n${think.trim()}`, answer)
    })
)

/**
 * CoT-first: reasoning first, the DRG only in the answer block (pair it with
 * `cot-first-penalty` to enforce it during GRPO).
 *
 * @since 0.1.0
 * @category factories
 */
export const cotFirst = definePluginFactory(
  { pluginName: "cot-first", kind: "behaviour", description: "CoT-first rationales: reasoning first, the DRG at the end", options: optionsSchema({}) },
  (): BehaviourPlugin =>
    definePlugin<BehaviourPlugin>({
      name: "cot-first",
      version: PLUGIN_VERSION,
      kind: "behaviour",
      specRange: "^2.0.0",
      systemPrompt: SYSTEM_PROMPTS["cot-first"],
      rationaleStyle: "cot-first",
      formatCompletion: thinkAnswer
    })
)

/**
 * Differential thinking: SFT rationales weigh `candidates` (default 3) DRGs before choosing;
 * the teacher prompt that writes them is the data builder's, keyed by `rationaleStyle`.
 *
 * @since 0.1.0
 * @category factories
 */
export const differentialThinking = definePluginFactory(
  {
    pluginName: "differential-thinking",
    kind: "behaviour",
    description: "Differential-thinking rationales: weigh 3 candidate DRGs before choosing",
    options: optionsSchema({ candidates: number(3, { min: 2, max: 10, integer: true }) })
  },
  (options: { readonly candidates: number }): BehaviourPlugin =>
    definePlugin<BehaviourPlugin>({
      name: "differential-thinking",
      version: PLUGIN_VERSION,
      kind: "behaviour",
      specRange: "^2.0.0",
      systemPrompt: SYSTEM_PROMPTS.differential(options.candidates),
      rationaleStyle: "differential",
      formatCompletion: thinkAnswer
    })
)
