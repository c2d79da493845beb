/**
 * The data of a run: the cases (synthetic or read from a file, through the data package's
 * `DrgData` service), a DRG-stratified subset, the held-out test split, and the training
 * side split into SFT examples (rationales from the grouper's trace) and GRPO prompts.
 *
 * @since 0.1.0
 */
import {
  answerFirstLead,
  caseSftExample,
  completion,
  DIAGNOSES,
  DrgData,
  drgSmall,
  type DrgRecord,
  grouperInput,
  promptMessages,
  type RlExample,
  rlExample,
  sftGrpoSplit,
  type SftExample,
  syntheticDrgData,
  trainTestSplit,
  type ChatMessage,
  userPrompt
} from "@sapphire-rl/data"
import type { Grouper, LabelSpace, RationaleStyle } from "@sapphire-rl/spec"
import { Effect, type Layer } from "effect"
import type { PluginSet } from "./PluginSet.ts"
import type { RunConfig } from "./RunConfig.ts"

/**
 * What the stages consume.
 *
 * @since 0.1.0
 * @category models
 */
export interface PreparedData {
  readonly source: string
  readonly sft: ReadonlyArray<SftExample>
  readonly grpo: ReadonlyArray<RlExample>
  /** Held-out cases for evaluation. */
  readonly test: ReadonlyArray<DrgRecord>
  readonly counts: {
    readonly cases: number
    readonly train: number
    readonly test: number
    readonly sft: number
    readonly grpo: number
  }
}

/**
 * The `DrgData` layer of a synthetic config (file configs use `drgDataFromFile` from
 * `@sapphire-rl/data/node`).
 *
 * @since 0.1.0
 * @category layers
 */
export const syntheticDataLayer = (config: RunConfig, grouper: Grouper): Layer.Layer<DrgData> => {
  const data = config.data
  if (data.source !== "synthetic") throw new TypeError("syntheticDataLayer: the run reads a file")
  return syntheticDrgData(grouper, {
    n: data.n,
    seed: data.seed ?? config.seed,
    mix: data.mix,
    noteLength: data.noteLength,
    ...(data.difficulty === undefined ? {} : { difficulty: data.difficulty })
  })
}

/**
 * The SFT example of a record: the grouper's trace as the rationale when its codes group to
 * the record's DRG; otherwise (a file with text and label only) a short rationale naming
 * the answer.
 *
 * @since 0.1.0
 * @category constructors
 */
export const sftExampleOf = (record: DrgRecord, grouper: Grouper, labelSpace: LabelSpace, style: RationaleStyle): SftExample => {
  if (record.pdx !== "") {
    const result = grouper.group(grouperInput(record))
    if (result.drg === record.drg) return caseSftExample(record, result, style, labelSpace)
  }
  return {
    id: `${record.id}:label`,
    messages: [
      ...promptMessages(record.text, { sft: true }),
      { role: "assistant", content: completion(`The note supports MS-DRG ${record.drg}.`, record.title) }
    ]
  }
}

/**
 * Splits and builds the examples (deterministic in the run seed).
 *
 * @since 0.1.0
 * @category data
 */
const termOf = (code: string): string => DIAGNOSES.get(code)?.terms[0] ?? code

/**
 * The brief reasoning of a synthetic case: its principal diagnosis and the case severity
 * with the secondary diagnosis that sets it, as the grouper decided them.
 *
 * @since 0.1.0
 * @category sft
 */
export const briefRationale = (record: DrgRecord, grouper: Grouper): string => {
  const result = grouper.group(grouperInput(record))
  const severityCode = result.severity === "none" ? undefined : record.sdx.find((s) => DIAGNOSES.get(s)?.level === result.severity)
  const severity = result.severity === "none"
    ? "no CC or MCC"
    : `${result.severity}${severityCode === undefined ? "" : ` (${termOf(severityCode)})`}`
  return `Principal diagnosis: ${termOf(record.pdx)}.\nSeverity: ${severity}.`
}

/**
 * Replaces the system message of a prompt when the run sets one.
 *
 * @since 0.1.0
 * @category prompts
 */
export const withSystemPrompt = (messages: ReadonlyArray<ChatMessage>, system: string | undefined): ReadonlyArray<ChatMessage> =>
  system === undefined ? messages : [{ role: "system", content: system }, ...messages.filter((m) => m.role !== "system")]

/**
 * The system prompt of a run: the config's, else the behaviour plugin's, else the default.
 *
 * @since 0.1.0
 * @category prompts
 */
export const systemPromptOf = (config: RunConfig, plugins: PluginSet): string | undefined =>
  config.prompt.system ?? plugins.behaviour?.systemPrompt

export const prepareData = Effect.fn("prepareData")(function*(config: RunConfig, plugins: PluginSet) {
  const data = yield* DrgData
  const families = new Set(config.split.families)
  const kept = families.size === 0 ? data.records : data.records.filter((r) => families.has(r.family))
  if (families.size > 0 && kept.length === 0) {
    return yield* Effect.die(new RangeError(`split.families: no case of ${[...families].join(", ")} among ${data.records.length} cases`))
  }
  const all = config.split.subset < 1 ? drgSmall(kept, config.split.subset, config.seed) : kept
  const { train, test } = trainTestSplit(all, config.split.testFraction, config.seed)
  const { sft, grpo } = sftGrpoSplit(train, config.split.sftRatio, config.seed + 1)
  const style = plugins.behaviour?.rationaleStyle ?? "cot-first"
  const system = systemPromptOf(config, plugins)
  const { grouper, labelSpace } = plugins.grouper
  const prepared: PreparedData = {
    source: data.source,
    sft: sft.map((r, i) => {
      if (config.prompt.rationale !== "full" && r.pdx !== "") {
        const messages = withSystemPrompt([{ role: "system", content: "" }, { role: "user", content: userPrompt(r.text) }], system)
        // The split is already shuffled in the seed, so alternate cases are a seeded half.
        const answerFirst = config.prompt.rationale === "mixed" && i % 2 === 1
        const think = answerFirst ? `${answerFirstLead(r.title)}\n${briefRationale(r, grouper)}` : briefRationale(r, grouper)
        return { id: `${r.id}:brief`, messages: [...messages.filter((m) => m.content !== ""), { role: "assistant" as const, content: completion(think, r.title) }] }
      }
      const example = sftExampleOf(r, grouper, labelSpace, style)
      return { ...example, messages: [...withSystemPrompt(example.messages.slice(0, -1), system), ...example.messages.slice(-1)] }
    }),
    grpo: grpo.map((r) => {
      const example = rlExample(r)
      return { ...example, messages: withSystemPrompt(example.messages, system) }
    }),
    test,
    counts: { cases: all.length, train: train.length, test: test.length, sft: sft.length, grpo: grpo.length }
  }
  yield* Effect.logInfo(
    `data: ${data.source}: ${all.length} cases → ${test.length} held out, ${sft.length} SFT, ${grpo.length} GRPO`
  )
  return prepared
})
