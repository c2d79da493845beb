import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { answerFirstLead } from "@sapphire-rl/data"
import { PluginImporter, prepareData, resolveRun, syntheticDataLayer } from "../src/index.ts"

const sftCompletions = (rationale: "brief" | "mixed") =>
  Effect.gen(function*() {
    const run = yield* resolveRun({
      seed: 3,
      data: { n: 120, noteLength: "short" },
      prompt: { rationale },
      stages: [{ kind: "sft" }],
      plugins: ["format-reward"]
    }).pipe(Effect.provide(PluginImporter.layer))
    const data = yield* prepareData(run.config, run.plugins).pipe(Effect.provide(syntheticDataLayer(run.config, run.plugins.grouper.grouper)))
    return data.sft.map((e) => e.messages.at(-1)!.content)
  })

const answerOf = (completion: string) => /<answer>\n(.*)\n<\/answer>$/.exec(completion)?.[1]

describe("brief SFT rationales", () => {
  it.effect("brief: principal diagnosis, then severity, then the answer; never answer-first", () =>
    Effect.gen(function*() {
      const completions = yield* sftCompletions("brief")
      expect(completions.length).toBeGreaterThan(20)
      for (const c of completions) {
        expect(c).toMatch(/^<think>\nPrincipal diagnosis: .+\.\nSeverity: .+\.\n<\/think>\n<answer>\n.+\n<\/answer>$/)
      }
    }))

  it.effect("mixed: every other case opens its reasoning with the answer it gives, the rest as brief", () =>
    Effect.gen(function*() {
      const brief = yield* sftCompletions("brief")
      const mixed = yield* sftCompletions("mixed")
      expect(mixed.length).toBe(brief.length)
      mixed.forEach((c, i) => {
        if (i % 2 === 0) return expect(c).toBe(brief[i])
        const answer = answerOf(c)
        expect(answer).toBeDefined()
        // The same case and reasons as brief, led by the answer.
        expect(c).toBe(brief[i]!.replace("<think>\n", `<think>\n${answerFirstLead(answer!)}\n`))
      })
    }))
})
