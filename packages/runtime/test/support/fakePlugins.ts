/**
 * Plugin packages for tests, made with the real spec helpers (`definePluginFactory`,
 * `definePlugin`, an Effect Schema as the Standard Schema), served from memory.
 */
import {
  definePlugin,
  definePluginFactory,
  type KlPlugin,
  type LossPlugin,
  type PluginFactory,
  type AnyPlugin,
  type RewardPlugin
} from "@sapphire-rl/spec"
import { Effect, Schema } from "effect"

const options = <S extends Schema.Top & Schema.ConstraintDecoder<unknown>>(schema: S) => Schema.toStandardSchemaV1(schema)

export const strictReward = definePluginFactory(
  {
    pluginName: "strict-reward",
    kind: "reward",
    description: "1 for the exact DRG, else 0.",
    options: options(Schema.Struct({
      scheme: Schema.Literals(["strict", "dense", "balanced"]).pipe(Schema.withDecodingDefault(Effect.succeed("strict" as const))),
      weight: Schema.Finite.pipe(Schema.withDecodingDefault(Effect.succeed(1)))
    }))
  },
  (o): RewardPlugin =>
    definePlugin({
      name: "strict-reward",
      version: "0.1.0",
      kind: "reward",
      specRange: "^2.0.0",
      weight: o.weight,
      range: { min: 0, max: 1 },
      score: (batch) => batch.map((r) => (r.text.includes(r.gold.title) ? 1 : 0))
    })
)

const loss = (name: string, enforce?: "pre" | "post") =>
  definePluginFactory(
    { pluginName: name, kind: "loss", description: `${name} aggregation`, options: options(Schema.Struct({})) },
    (): LossPlugin =>
      definePlugin({
        name,
        version: "0.1.0",
        kind: "loss",
        specRange: "^2.0.0",
        ...(enforce === undefined ? {} : { enforce }),
        sequenceWeights: (input) => input.lengths.map((l) => 1 / l)
      })
  )

export const dapoLoss = loss("dapo-loss")
export const grpoLoss = loss("grpo-loss")

export const cosineKl = definePluginFactory(
  {
    pluginName: "cosine-kl",
    kind: "kl",
    description: "beta decays with a cosine.",
    options: options(Schema.Struct({
      beta: Schema.Finite.check(Schema.isGreaterThan(0)).pipe(Schema.withDecodingDefault(Effect.succeed(0.04)))
    }))
  },
  (o): KlPlugin =>
    definePlugin({
      name: "cosine-kl",
      version: "0.1.0",
      kind: "kl",
      specRange: "^2.0.0",
      estimator: "k3",
      beta: (step, total) => o.beta * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, total)))
    })
)

/** A reward plugin object with an `enforce` hint, given directly in a list. */
export const preReward = (name: string, enforce?: "pre" | "post"): RewardPlugin =>
  definePlugin({
    name,
    version: "0.1.0",
    kind: "reward",
    specRange: "^2.0.0",
    ...(enforce === undefined ? {} : { enforce }),
    range: { min: 0, max: 1 },
    score: (batch) => batch.map(() => 0)
  })

/** The in-memory modules: two first-party-like packages. */
export const fakeModules: Readonly<Record<string, unknown>> = {
  "@sapphire-rl/plugin-reward-drg": { sapphirePlugins: [strictReward] },
  "@sapphire-rl/plugin-loss": { sapphirePlugins: [dapoLoss, grpoLoss] },
  "@sapphire-rl/plugin-kl": { sapphirePlugins: [cosineKl] }
}

export const FAKE_FIRST_PARTY = ["@sapphire-rl/plugin-reward-drg", "@sapphire-rl/plugin-loss", "@sapphire-rl/plugin-kl", "@sapphire-rl/plugin-staged"]

export type AnyFactory = PluginFactory<any, AnyPlugin>
