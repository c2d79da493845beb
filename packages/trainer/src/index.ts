/**
 * @sapphire-rl/trainer: the objectives and steps of SFT, GRPO and DPO, the optimizer,
 * schedules, and evaluation.
 *
 * @since 0.1.0
 */
export * from "./LrSchedule.ts"
export * from "./TrainSequence.ts"
export * from "./Objectives.ts"
export * from "./Optimizer.ts"
export * from "./Backward.ts"
export * from "./GroupBackward.ts"
export * from "./SftStep.ts"
export * from "./GrpoStep.ts"
export * from "./DpoStep.ts"
export * from "./Evaluate.ts"
export * from "./TrainerState.ts"
