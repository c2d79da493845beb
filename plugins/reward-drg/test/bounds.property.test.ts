import { labelSpaceV34 } from "@sapphire-rl/plugin-msdrg-v34"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createGrouper } from "@sapphire-rl/plugin-msdrg-v34"
import { sapphirePlugins } from "../src/index.ts"
import { makeContext, rollout } from "./support/context.ts"

// Completions built from the pieces that matter (tags, titles, codes lines, whitespace,
// look-alikes) as well as arbitrary unicode strings.
const titles = labelSpaceV34.entries.map((e) => e.title)
const piece = fc.oneof(
  fc.constantFrom("<think>", "</think>", "<answer>", "</answer>", "\n", "\r\n", " ", "\t", "\u00a0", "А", "Codes: ", "PDX=A41.51; SDX=R65.21,N17.9", "; AGE=70; SEX=F", "871"),
  fc.constantFrom(...titles),
  fc.string({ maxLength: 8 })
)
const text = fc.oneof(fc.array(piece, { maxLength: 12 }).map((ps) => ps.join("")), fc.string({ unit: "grapheme", maxLength: 60 }), fc.string({ unit: "binary", maxLength: 60 }))
const wellFormed = fc
  .tuple(fc.array(piece, { maxLength: 6 }), fc.oneof(fc.constantFrom(...titles), fc.string({ maxLength: 20 })))
  .map(([think, answer]) => `<think>${think.join("")}</think>\n<answer>${answer}</answer>`)

describe("every reward stays within its documented range, for any string", () => {
  const ctx = makeContext(createGrouper())
  for (const factory of sapphirePlugins) {
    for (const options of factory.pluginName === "accuracy-reward"
      ? [{ scheme: "strict" }, { scheme: "dense" }, { scheme: "balanced" }, { scheme: "dense", split: "naive" }, { scheme: "balanced", split: "naive", goldMatch: "substring" }]
      : [{}]) {
      const plugin = factory(options as never)
      if (plugin.kind !== "reward") throw new Error("not a reward")
      it(`${factory.pluginName} ${JSON.stringify(options)} in [${plugin.range.min}, ${plugin.range.max}]`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.oneof(text, wellFormed), fc.constantFrom(...labelSpaceV34.entries), async (t, gold) => {
            const [score] = await plugin.score([rollout(t, { drg: gold.drg, title: gold.title })], ctx)
            if (score === null || score === undefined) {
              expect(score).toBeNull()
              return
            }
            expect(Number.isFinite(score)).toBe(true)
            expect(score).toBeGreaterThanOrEqual(plugin.range.min)
            expect(score).toBeLessThanOrEqual(plugin.range.max)
          }),
          { numRuns: 300 }
        )
      })
    }
  }
})
