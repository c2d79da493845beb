import { describe, expect, it } from "vitest"
import { decodeRunConfig, evalRunInput } from "../src/index.ts"
import { Effect } from "effect"

// A config.json as runPipeline writes it (resolvedConfigJson): plugins with how they resolved.
const configJson = {
  name: "quick",
  seed: 3,
  backend: "auto",
  model: { preset: "drg-mini" },
  data: { source: "synthetic", n: 1200 },
  split: { testFraction: 0.08, sftRatio: 0.75, families: ["CELLULITIS"] },
  stages: [
    { kind: "sft", epochs: 1 },
    { kind: "eval", samples: 4, limit: 10, temperature: 0.9 },
    { kind: "grpo", steps: 2 },
    { kind: "eval", samples: 8, limit: 40, temperature: 0.6, topP: 0.95, maxNewTokens: 96 }
  ],
  plugins: [
    { use: "strict-reward", name: "strict-reward", version: "0.0.0", kind: "reward", source: "strict-reward" },
    { use: "cosine-kl", options: { beta: 0.04 }, name: "cosine-kl", version: "0.0.0", kind: "kl", source: "cosine-kl" },
    { name: "acme-length", version: "1.0.0", kind: "reward", source: "@acme/plugins" },
    { name: "inline", version: "1.0.0", kind: "reward", source: "(object)" }
  ],
  resolvedPlugins: ["strict-reward@0.0.0 (reward)"]
}

describe("evalRunInput", () => {
  it("keeps the run's settings, evaluates every case of the file with its last eval stage", () => {
    const input = evalRunInput(configJson, { dataPath: "/data/notes.csv" })
    expect(input.seed).toBe(3)
    expect(input.model).toEqual({ preset: "drg-mini" })
    expect(input.data).toEqual({ source: "file", path: "/data/notes.csv" })
    expect(input.stages).toEqual([{ kind: "eval", samples: 8, limit: 0, temperature: 0.6, topP: 0.95, maxNewTokens: 96 }])
    expect("resolvedPlugins" in input).toBe(false)
    expect(input.plugins).toEqual([
      { use: "strict-reward" },
      { use: "cosine-kl", options: { beta: 0.04 } },
      { use: "@acme/plugins" },
      { use: "inline" }
    ])
  })
  it("takes --samples and --backend over the run's, and the eval defaults when the run had no eval stage", () => {
    const input = evalRunInput({ ...configJson, stages: [{ kind: "sft" }] }, { dataPath: "x.jsonl", samples: 3, backend: "cpu" })
    expect(input.stages).toEqual([{ kind: "eval", limit: 0, samples: 3 }])
    expect(input.backend).toBe("cpu")
  })
  it("decodes as a run config (plugins aside, which resolveRun resolves)", async () => {
    const input = evalRunInput(configJson, { dataPath: "x.jsonl", samples: 2 })
    const config = await Effect.runPromise(decodeRunConfig({ ...input, plugins: [] }))
    expect(config.stages).toMatchObject([{ kind: "eval", samples: 2, limit: 0, temperature: 0.6 }])
    expect(config.data).toMatchObject({ source: "file", path: "x.jsonl", format: "auto" })
  })
  it("rejects what is not a config object", () => {
    expect(() => evalRunInput([1, 2], { dataPath: "x" })).toThrow(/expected a JSON object/)
  })
})
