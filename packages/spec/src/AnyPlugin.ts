/**
 * The union of every plugin contract.
 *
 * @since 2.0.0
 */
import type { AdvantagePlugin } from "./Advantage.ts"
import type { BehaviourPlugin } from "./Behaviour.ts"
import type { CurriculumPlugin } from "./Curriculum.ts"
import type { GrouperPlugin } from "./Grouper.ts"
import type { KlPlugin } from "./Kl.ts"
import type { LossPlugin } from "./Loss.ts"
import type { ResamplingPlugin } from "./Resampling.ts"
import type { RewardPlugin } from "./Reward.ts"
import type { StagePlugin } from "./Stage.ts"

/**
 * Any plugin.
 *
 * @since 2.0.0
 * @category models
 */
export type AnyPlugin =
  | GrouperPlugin
  | RewardPlugin
  | AdvantagePlugin
  | LossPlugin
  | KlPlugin
  | ResamplingPlugin
  | CurriculumPlugin
  | StagePlugin
  | BehaviourPlugin
