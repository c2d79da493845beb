/**
 * The RL prompts of a run's training split (its GRPO part), tokenized as the policy sees them,
 * with their gold DRG: what GRPO rolls out and what DPO samples its pairs from.
 *
 * @since 0.1.0
 */
import type { TextTokenizer } from "@sapphire-rl/model"
import type { DrgGold } from "@sapphire-rl/spec"
import { promptIds } from "./chatIds.ts"
import type { PreparedData } from "./prepareData.ts"
import type { RolloutPrompt } from "./Rollouts.ts"

/**
 * One rollout prompt per example of `data.grpo`, in split order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const rolloutPrompts = (tokenizer: TextTokenizer, data: Pick<PreparedData, "grpo">): Array<RolloutPrompt<DrgGold>> =>
  data.grpo.map((e) => ({
    exampleId: e.id,
    prompt: promptIds(tokenizer, e.messages),
    gold: { drg: e.drg, title: e.answer }
  }))
