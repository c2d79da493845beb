import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { PluginImporter, resolveRun } from "../src/index.ts"

// The real first-party packages that are on main, found by the platform's import(): the
// catalog skips the ones not installed yet and names them.
const resolve = (input: unknown) => resolveRun(input).pipe(Effect.provide(PluginImporter.layer))

describe("first-party plugin packages", () => {
  it.effect("@sapphire-rl/plugin-reward-drg's factories resolve by short name, options decoded by its schema", () =>
    Effect.gen(function*() {
      const run = yield* resolve({
        stages: [{ kind: "eval" }],
        plugins: ["format-reward", { use: "accuracy-reward", options: { scheme: "dense", split: "naive" } }]
      })
      expect(run.plugins.rewards.map((p) => p.name)).toEqual(["format-reward", "dense-reward"])
      expect(run.catalog.packages.has("@sapphire-rl/plugin-reward-drg")).toBe(true)
      const error = yield* Effect.flip(resolve({
        stages: [{ kind: "eval" }],
        plugins: [{ use: "accuracy-reward", options: { scheme: "exactish" } }]
      }))
      expect(error.issues).toEqual([
        { path: "plugins[0].options.scheme", message: `expected "strict" | "dense" | "balanced", got "exactish"` }
      ])
    }))
})
