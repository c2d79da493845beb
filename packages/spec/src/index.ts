/**
 * @sapphire-rl/spec: the stable plugin contracts of Sapphire-RL.
 *
 * @since 1.0.0
 */
export * from "./Plugin.ts"
export * from "./LabelSpace.ts"
export * from "./Grouper.ts"
