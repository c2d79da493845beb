import type { DrgGold, Grouper, PluginContext, Rollout } from "@sapphire-rl/spec"
import { labelSpaceV34 } from "@sapphire-rl/plugin-msdrg-v34"

export interface RecordingContext extends PluginContext {
  readonly metrics: Map<string, number>
}

export const makeContext = (grouper?: Grouper): RecordingContext => {
  const metrics = new Map<string, number>()
  return {
    labelSpace: labelSpaceV34,
    ...(grouper === undefined ? {} : { grouper }),
    step: 0,
    totalSteps: 10,
    signal: new AbortController().signal,
    metric: (name, value) => void metrics.set(name, value),
    random: Math.random,
    countTokens: (text) => text.split(/\s+/).filter((t) => t !== "").length,
    metrics
  }
}

export const goldOf = (drg: number): DrgGold => {
  const entry = labelSpaceV34.get(drg)
  if (entry === undefined) throw new Error(`no DRG ${drg}`)
  return { drg, title: entry.title }
}

export const rollout = (text: string, gold: DrgGold): Rollout => ({
  exampleId: "case-1",
  sampleIndex: 0,
  gold,
  text,
  tokens: 10,
  finishReason: "stop",
  policyVersion: 0
})

export const completion = (answer: string, think = "reasoning"): string => `<think>\n${think}\n</think>\n<answer>\n${answer}\n</answer>`
