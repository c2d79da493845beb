/**
 * The `msdrg` command's pure parts.
 */
export { resolveArgument, runCli, USAGE } from "./main.ts"
export type { CliIo } from "./main.ts"
export { CASE_FIELDS, parseCaseLine, parseSex, RECORD_FIELDS } from "./parseCase.ts"
export type { ParsedCase } from "./parseCase.ts"
