import type { LabelSpace } from "@sapphire-rl/spec"
import { describe, expect, it } from "vitest"
import { stepContexts } from "../src/index.ts"

const source = {
  labelSpace: {} as LabelSpace,
  seed: 1,
  countTokens: (text: string) => text.length,
  signal: new AbortController().signal
}

describe("stepContexts", () => {
  it("reports a plugin's metric as the mean over its calls in the step (one call per group)", () => {
    const contexts = stepContexts(source, "grpo", 0, 10)
    const strict = contexts.context("strict-reward")
    // Three groups of one step report 0, 0.5 and 1: the step's value is their mean, 0.5.
    strict.metric("exact", 0)
    strict.metric("exact", 0.5)
    strict.metric("exact", 1)
    contexts.context("format-reward").metric("format-ok", 0.25)
    expect(contexts.metrics.get("strict-reward/exact")).toBe(0.5)
    expect(contexts.metrics.get("format-reward/format-ok")).toBe(0.25)
    // The next step starts afresh.
    const next = stepContexts(source, "grpo", 1, 10)
    next.context("strict-reward").metric("exact", 1)
    expect(next.metrics.get("strict-reward/exact")).toBe(1)
  })
})
