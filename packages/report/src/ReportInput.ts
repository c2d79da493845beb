/**
 * What a report is made from: plain data that a run directory holds (results.json,
 * metrics.jsonl, the completion sample), so a report can be rebuilt from disk at any time.
 *
 * @since 0.1.0
 */

/**
 * Pass@1 / Pass@k / Maj@k of one target (the DRG, its family or its CC/MCC tier).
 *
 * @since 0.1.0
 * @category models
 */
export interface TargetScores {
  readonly pass1: number
  readonly pass8: number
  readonly maj8: number
}

/**
 * Evaluation of one model on the held-out split.
 *
 * @since 0.1.0
 * @category models
 */
export interface EvalScores {
  readonly drg: TargetScores
  readonly family: TargetScores
  readonly tier: TargetScores
  /** Fraction of samples whose answer was not a valid title (or failed the format). */
  readonly invalid: number
}

/**
 * One sampled completion, shown with its reasoning and rewards.
 *
 * @since 0.1.0
 * @category models
 */
export interface SampleCompletion {
  readonly exampleId: string
  /** Phase or model that produced it (`sft`, `grpo`, `grpo step 40` …). */
  readonly source: string
  readonly gold: string
  readonly completion: string
  readonly rewards: Readonly<Record<string, number | null>>
}

/**
 * How often gold family `gold` was answered as family `predicted`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfusionCell {
  readonly gold: string
  readonly predicted: string
  readonly count: number
}

/**
 * Everything a report shows. Metric lines are the run's `metrics.jsonl` objects: numeric
 * fields are charted by name (see `DEFAULT_CHARTS`), others ignored.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReportInput {
  readonly title: string
  /** Evaluations by model, in display order (e.g. `sft`, `grpo`). */
  readonly results: ReadonlyArray<{ readonly name: string; readonly scores: EvalScores }>
  readonly metrics: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly confusion: ReadonlyArray<ConfusionCell>
  readonly samples: ReadonlyArray<SampleCompletion>
  /** Facts shown under the title (budget, seed, plugins, seconds …). */
  readonly facts: ReadonlyArray<readonly [string, string]>
}
