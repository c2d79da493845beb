/**
 * Grouper tables: the format and the built-in v34 set.
 */
export * from "./types.ts"
export { builtinTablesV34, UB04_STATUSES } from "./builtinV34.ts"
