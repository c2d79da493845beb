import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { join } from "node:path"
import { decodeRunConfig, mergeRunConfig } from "../src/index.ts"
import { loadRunConfigFile } from "../src/node/index.ts"

const dir = join(import.meta.dirname, "fixtures/configs")

describe("config files and layering", () => {
  it.effect("a run.config.ts file's default export decodes; falsy plugin entries stay ignorable", () =>
    Effect.gen(function*() {
      const raw = yield* loadRunConfigFile("run.config.ts", dir)
      const config = yield* decodeRunConfig(raw)
      expect(config.name).toBe("from-file")
      expect(config.stages.map((s) => s.kind)).toEqual(["sft", "eval"])
      expect(config.plugins).toEqual(["format-reward", false])
    }))

  it.effect("a missing file and bad JSON are errors naming the file", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(loadRunConfigFile("nope.json", dir))
      expect(missing.message).toBe("invalid run config (1 problem):\nnope.json: no such file")
      const broken = yield* Effect.flip(loadRunConfigFile("broken.json", dir))
      expect(broken.issues[0]?.message).toMatch(/^broken\.json: not valid JSON \(/)
    }))

  it("presets, files and flags merge: objects by key, arrays replaced, undefined skipped", () => {
    const preset = { seed: 1, data: { n: 2000, mix: "uniform" }, stages: [{ kind: "sft" }, { kind: "grpo" }], plugins: ["a"] }
    const file = { data: { n: 300 }, plugins: ["b", "c"] }
    const flags = { seed: undefined, out: "runs/x", stages: [{ kind: "eval" }] }
    expect(mergeRunConfig(preset, file, flags)).toEqual({
      seed: 1,
      data: { n: 300, mix: "uniform" },
      stages: [{ kind: "eval" }],
      plugins: ["b", "c"],
      out: "runs/x"
    })
  })
})
