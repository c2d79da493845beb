import { describe, expect, it } from "@effect/vitest"
import { Effect, Metric } from "effect"
import { MetricsLog } from "../src/index.ts"

describe("MetricsLog", () => {
  it.effect("one JSON line per record, and an Effect gauge per metric tagged with the phase", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      yield* Effect.gen(function*() {
        const log = yield* MetricsLog
        yield* log.record({ phase: "grpo", step: 1, values: { "reward/strict-reward/mean": 0.25, kl: 0.01 } })
        yield* log.record({ phase: "grpo", step: 2, values: { "reward/strict-reward/mean": 0.5, kl: Number.NaN } })
      }).pipe(Effect.provide(MetricsLog.layerMemory(lines)))
      expect(lines).toEqual([
        `{"phase":"grpo","step":1,"reward/strict-reward/mean":0.25,"kl":0.01}`,
        `{"phase":"grpo","step":2,"reward/strict-reward/mean":0.5,"kl":null}`
      ])
      const snapshot = yield* Metric.snapshot
      const gauge = snapshot.find((m) => m.id === "sapphire_reward_strict_reward_mean")
      expect(gauge?.state).toEqual({ value: 0.5 })
      expect(gauge?.attributes).toEqual({ phase: "grpo" })
    }))
})
