/**
 * @sapphire-rl/runtime: run configs (decoded with `Schema`), plugin resolution by short
 * name or package name, slot rules, composition into Effect services, and the pipeline.
 *
 * Node-only pieces (resolving plugin packages from a project directory, files, signals)
 * are exported from `@sapphire-rl/runtime/node`.
 *
 * @since 0.1.0
 */
export * from "./ConfigIssue.ts"
export * from "./RunConfig.ts"
export * from "./schemaIssues.ts"
export * from "./decodeRunConfig.ts"
export * from "./PluginImporter.ts"
export * from "./PluginCatalog.ts"
export * from "./resolvePlugins.ts"
export * from "./groupStdAdvantage.ts"
export * from "./PluginSet.ts"
export * from "./resolveRun.ts"
export * from "./Device.ts"
export * from "./backendLayer.ts"
export * from "./PolicyModel.ts"
export * from "./LocalEngine.ts"
export * from "./PluginContexts.ts"
export * from "./RewardScorer.ts"
export * from "./Rollouts.ts"
export * from "./MetricsLog.ts"
export * from "./Progress.ts"
export * from "./StopSignal.ts"
export * from "./DeviceLoss.ts"
export * from "./runSteps.ts"
export * from "./prepareData.ts"
export * from "./RunFiles.ts"
export * from "./Stages.ts"
export * from "./runPipeline.ts"
export * from "./evaluateCheckpoint.ts"
export * from "./applySettings.ts"
export * from "./mergeRunConfig.ts"
export * from "./TrainerStages.ts"
export * from "./RunCheckpoints.ts"
export * from "./preferencePairs.ts"
export * from "./stagedLearning.ts"
export * from "./listPlugins.ts"
export * from "./RunPresets.ts"
