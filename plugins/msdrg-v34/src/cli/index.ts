/**
 * The `msdrg` command's pure parts.
 */
export { runCli, USAGE } from "./main.ts"
export type { CliIo } from "./main.ts"
export { parseCaseLine, parseSex } from "./parseCase.ts"
export type { ParsedCase } from "./parseCase.ts"
