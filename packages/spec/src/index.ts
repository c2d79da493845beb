/**
 * @sapphire-rl/spec: the stable plugin contracts of Sapphire-RL.
 *
 * @since 1.0.0
 */
export * from "./Plugin.ts"
export * from "./SemverRange.ts"
export * from "./Context.ts"
export * from "./Rollout.ts"
export * from "./Completion.ts"
export * from "./Reward.ts"
export * from "./Advantage.ts"
export * from "./Loss.ts"
export * from "./Kl.ts"
export * from "./Resampling.ts"
export * from "./Curriculum.ts"
export * from "./Stage.ts"
export * from "./Behaviour.ts"
export * from "./Factory.ts"
export * from "./AnyPlugin.ts"
export * from "./LabelSpace.ts"
export * from "./Grouper.ts"
