/**
 * The labelled cases a run trains and evaluates on, as an Effect service, so the pipeline can
 * swap the synthetic benchmark for real data (see `node/drgDataNode.ts`) with a Layer.
 */
import type { Grouper } from "@sapphire-rl/spec"
import { Context, Layer } from "effect"
import { generateCases, type GenerateOptions } from "./Generator.ts"
import type { ReadReport } from "./Readers.ts"
import type { DrgRecord } from "./Record.ts"

/** What the service holds. */
export interface DrgDataShape {
  /** Where the records came from (e.g. "synthetic seed 7", a file path). */
  readonly source: string
  readonly records: ReadonlyArray<DrgRecord>
  /** For file sources: rows set aside (unknown DRGs); absent for synthetic data. */
  readonly report?: ReadReport
}

/** The dataset of a run. */
export class DrgData extends Context.Service<DrgData, DrgDataShape>()("@sapphire-rl/data/DrgData") {}

/** A layer holding a synthetic benchmark generated with the given grouper. */
export const syntheticDrgData = (grouper: Grouper, options: GenerateOptions): Layer.Layer<DrgData> =>
  Layer.sync(DrgData, () => ({
    source: `synthetic seed ${options.seed} n ${options.n} mix ${options.mix ?? "natural"}`,
    records: [...generateCases(grouper, options)].map((c) => c.record)
  }))

/** A layer holding records already in memory. */
export const drgDataOf = (source: string, records: ReadonlyArray<DrgRecord>): Layer.Layer<DrgData> =>
  Layer.succeed(DrgData, { source, records })
