/**
 * @sapphire-rl/plugin-msdrg-v34: the MS-DRG v34 label space, a table-driven grouper with
 * built-in v34 tables, and a loader for the CMS definitions-manual text files.
 *
 * @since 0.1.0
 */
import { definePlugin, type Grouper, type GrouperPlugin, type LabelSpace } from "@sapphire-rl/spec"
import { labelSpaceV34 } from "./catalog/index.ts"
import { makeGrouper } from "./grouper/index.ts"
import { builtinTablesV34 } from "./tables/index.ts"
import type { Tables } from "./tables/index.ts"

export * from "./catalog/index.ts"
export * from "./tables/index.ts"
export * from "./cms/index.ts"
export { dotted, isDiagnosisShape, isProcedureShape, makeGrouper, normalizeCode, normalizeStatus } from "./grouper/index.ts"

/** This plugin's version (kept equal to package.json by a test). */
export const PLUGIN_VERSION = "0.1.0"

/**
 * A grouper over `tables` (default: the built-in v34 tables), answering in the words of
 * `labelSpace` (default: the v34 label space).
 *
 * @since 0.1.0
 */
export const createGrouper = (tables: Tables = builtinTablesV34(), labelSpace: LabelSpace = labelSpaceV34): Grouper =>
  makeGrouper(tables, labelSpace)

/** Options of `msdrgV34`. */
export interface MsdrgV34Options {
  /**
   * Tables to group with (e.g. CMS files merged over the built-in ones by `mergeCmsTables`,
   * or read from a directory by `loadCmsTables` from `@sapphire-rl/plugin-msdrg-v34/node`).
   */
  readonly tables?: Tables
}

/**
 * The MS-DRG v34 grouper plugin.
 *
 * @since 0.1.0
 */
export const msdrgV34 = (options: MsdrgV34Options = {}): GrouperPlugin =>
  definePlugin({
    name: "@sapphire-rl/plugin-msdrg-v34",
    version: PLUGIN_VERSION,
    kind: "grouper",
    specRange: "^2.0.0",
    labelSpace: labelSpaceV34,
    grouper: createGrouper(options.tables)
  })
