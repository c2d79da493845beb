/**
 * The stand-alone DPO stage.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { DpoStage } from "./RunConfig.ts"
import type { StageKit } from "./StageKit.ts"
import { StageError, type StageContext } from "./Stages.ts"

/**
 * `Stages.dpo` over the kit: not wired to the trainer's DPO loss yet.
 *
 * @since 0.1.0
 * @category stages
 */
export const dpoStage = (_kit: StageKit) => (_stage: DpoStage, _ctx: StageContext) =>
  Effect.fail(new StageError({ stage: "dpo", message: "a stand-alone DPO stage is not implemented yet (the trainer has dpoLoss; the loop is not wired)", cause: null }))
