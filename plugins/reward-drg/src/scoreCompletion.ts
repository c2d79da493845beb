/**
 * Format and accuracy of one completion, as the `drg-reward` command reports them.
 *
 * @since 0.1.0
 */
import { parseCompletion, type LabelSpace } from "@sapphire-rl/spec"
import { scoreAnswer, type AccuracyOptions } from "./accuracy.ts"

/**
 * The two rewards of one completion and their total (weights 1 and 1; accuracy is `null`
 * and counts 0 when the format fails).
 *
 * @since 0.1.0
 * @category models
 */
export interface CompletionScore {
  readonly format: number
  readonly accuracy: number | null
  readonly total: number
}

/**
 * Scores one completion against its gold title with the default format penalty (−2).
 *
 * @since 0.1.0
 * @category scoring
 */
export const scoreCompletion = (completion: string, goldTitle: string, labelSpace: LabelSpace, options: AccuracyOptions): CompletionScore => {
  const parsed = parseCompletion(completion)
  if (!parsed.ok) return { format: -2, accuracy: null, total: -2 }
  const accuracy = scoreAnswer(parsed.normalizedAnswer, goldTitle, labelSpace, options)
  return { format: 0, accuracy, total: accuracy }
}
