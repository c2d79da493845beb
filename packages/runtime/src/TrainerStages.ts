/**
 * The `Stages` the pipeline runs, over `@sapphire-rl/trainer`: SFT (`sftStage.ts`), GRPO
 * (`grpoStage.ts`), DPO (`dpoStage.ts`) and evaluation (`evalStage.ts`), each over the
 * services `StageKit` captures once, each step holding the device. Checkpoints go through
 * the run's `RunCheckpoints` service when there is one.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import { dpoStage } from "./dpoStage.ts"
import { evalStage } from "./evalStage.ts"
import { grpoStage } from "./grpoStage.ts"
import { sftStage } from "./sftStage.ts"
import { makeStageKit } from "./StageKit.ts"
import { Stages } from "./Stages.ts"

/**
 * The stages over the trainer, for the run's services.
 *
 * @since 0.1.0
 * @category layers
 */
export const trainerStagesLayer = () =>
  Layer.effect(
    Stages,
    Effect.gen(function*() {
      const kit = yield* makeStageKit()
      return Stages.of({
        sft: sftStage(kit),
        grpo: grpoStage(kit),
        eval: evalStage(kit),
        dpo: dpoStage(kit)
      })
    })
  )
