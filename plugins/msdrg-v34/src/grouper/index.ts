/**
 * The table-driven grouper engine.
 */
export { makeGrouper } from "./createGrouper.ts"
export { dotted, isDiagnosisShape, isProcedureShape, matcherOf, normalizeCode } from "./codes.ts"
export { normalizeStatus } from "./normalizeInput.ts"
