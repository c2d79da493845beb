/**
 * The evaluation stage: `samples` completions per held-out case through the run's engine,
 * scored by the trainer's `evaluateCases` (Pass@1, Pass@k, Maj@k for the DRG, its family
 * and its tier), plus a few completions with what each reward plugin gave them.
 *
 * @since 0.1.0
 */
import { rlExample } from "@sapphire-rl/data"
import type { GenerationResult } from "@sapphire-rl/engine"
import type { Rollout } from "@sapphire-rl/spec"
import { evaluateCases } from "@sapphire-rl/trainer"
import { Effect } from "effect"
import { promptIds } from "./chatIds.ts"
import { stepContexts } from "./PluginContexts.ts"
import { systemPromptOf, withSystemPrompt } from "./prepareData.ts"
import type { EvalStage } from "./RunConfig.ts"
import { stageError, type StageKit } from "./StageKit.ts"
import type { EvalResult, SampleCompletion, StageContext } from "./Stages.ts"

/**
 * `Stages.eval` over the kit.
 *
 * @since 0.1.0
 * @category stages
 */
export const evalStage = (kit: StageKit) =>
  Effect.fn("Stages.eval")(function*(stage: EvalStage, ctx: StageContext, label: string) {
    const { tokenizer, progress, scorer, stop } = kit
    yield* kit.publish("eval", true)
    const cases = stage.limit > 0 ? ctx.data.test.slice(0, stage.limit) : ctx.data.test
    const { labelSpace } = ctx.plugins.grouper
    const systemPrompt = systemPromptOf(ctx.config, ctx.plugins)
    const task = yield* Effect.scoped(Effect.gen(function*() {
      const bar = yield* progress.task(`eval ${label}`, cases.length, "cases")
      const results: Array<GenerationResult> = []
      const chunk = 32
      for (let at = 0; at < cases.length; at += chunk) {
        const slice = cases.slice(at, at + chunk)
        const requests = slice.map((c, i) => ({
          prompt: promptIds(tokenizer, withSystemPrompt(rlExample(c).messages, systemPrompt)),
          params: { n: stage.samples, temperature: stage.temperature, topP: stage.topP, topK: stage.topK, maxNewTokens: stage.maxNewTokens, seed: ctx.config.seed * 31 + at + i }
        }))
        results.push(...(yield* kit.generateOnDevice("eval", requests)))
        yield* bar.advance(slice.length)
      }
      return results
    }))
    const report = evaluateCases(cases.map((c, i) => ({
      exampleId: c.id,
      drg: c.drg,
      difficulty: c.difficulty,
      completions: task[i]!.completions.map((x) => x.text)
    })), labelSpace, stage.samples)
    // A few completions for the report, with what each reward plugin gave them.
    const shown = cases.slice(0, 6)
    const policyVersion = kit.policyVersion.current
    const rollouts: Array<Rollout> = shown.map((c, i) => {
      const first = task[i]!.completions[0]
      return { exampleId: c.id, sampleIndex: 0, gold: { drg: c.drg, title: c.title }, text: first?.text ?? "", tokens: first?.ids.length ?? 0, finishReason: first?.finishReason ?? "stop", policyVersion }
    })
    const source = { labelSpace, grouper: ctx.plugins.grouper.grouper, seed: ctx.config.seed, countTokens: (t: string) => tokenizer.encode(t, { addSpecialTokens: false }).length, signal: stop.signal }
    const scored = yield* scorer.score(rollouts, stepContexts(source, `eval-${label}`, 0, 1).context).pipe(Effect.mapError(stageError("eval")))
    const samples: Array<SampleCompletion> = rollouts.map((r, i) => ({
      exampleId: r.exampleId,
      source: label,
      gold: r.gold.title,
      completion: r.text,
      rewards: Object.fromEntries([...scored.byPlugin].map(([name, scores]) => [name, scores[i] ?? null]))
    }))
    yield* Effect.logInfo(
      `eval ${label}: DRG Pass@1 ${(100 * report.drg.pass1).toFixed(1)}, Pass@${stage.samples} ${(100 * report.drg.pass8).toFixed(1)}, invalid ${(100 * report.invalid).toFixed(1)}%`
    )
    return {
      scores: { drg: report.drg, family: report.family, tier: report.tier, invalid: report.invalid },
      samples,
      confusion: report.confusion
    } satisfies EvalResult
  })
