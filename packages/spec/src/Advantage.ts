/**
 * Advantage estimators.
 *
 * @since 2.0.0
 */
import type { PluginBase } from "./Plugin.ts"

/**
 * Turns the rewards of a batch's groups into advantages of the same shape. It sees the
 * whole batch so that batch-level estimators (batch std) fit the same contract.
 *
 * @since 2.0.0
 * @category models
 */
export interface AdvantagePlugin extends PluginBase<"advantage"> {
  readonly advantages: (groups: ReadonlyArray<ReadonlyArray<number>>) => ReadonlyArray<ReadonlyArray<number>>
}
