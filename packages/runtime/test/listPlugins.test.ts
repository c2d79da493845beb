import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { listPlugins, PluginImporter } from "../src/index.ts"
import { FAKE_FIRST_PARTY, fakeModules } from "./support/fakePlugins.ts"

describe("listPlugins", () => {
  it.effect("lists every installed plugin by kind with its package, version and default options", () =>
    Effect.gen(function*() {
      const listing = yield* listPlugins([], FAKE_FIRST_PARTY).pipe(Effect.provide(PluginImporter.layerOf(fakeModules)))
      expect(listing.plugins.map((p) => `${p.kind} ${p.name} ${p.packageName} ${p.version}`)).toEqual([
        "kl cosine-kl @sapphire-rl/plugin-kl 0.1.0",
        "loss dapo-loss @sapphire-rl/plugin-loss 0.1.0",
        "loss grpo-loss @sapphire-rl/plugin-loss 0.1.0",
        "reward strict-reward @sapphire-rl/plugin-reward-drg 0.1.0"
      ])
      expect(listing.plugins.find((p) => p.name === "strict-reward")?.defaults).toEqual({ scheme: "strict", weight: 1 })
      expect(listing.missing).toEqual(["@sapphire-rl/plugin-staged"])
    }))
})
