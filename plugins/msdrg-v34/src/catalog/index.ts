/**
 * MS-DRG v34 label space: the catalog of 757 DRG titles, their family / tier
 * decomposition, and resolution of free text to a title.
 *
 * @since 0.1.0
 */
export { labelSpaceV34 } from "./labelSpaceV34.ts"
export { normalizeTitle } from "./normalizeTitle.ts"
export { decomposeTitle } from "./decomposeTitle.ts"
export { resolveTitle } from "./resolveTitle.ts"
export { SEVERITY_CLAUSES, TIER_CLAUSE, familyKeyOf, parseTitle, decomposeNaive } from "./parseTitle.ts"
export type { ParsedTitle } from "./parseTitle.ts"
export { LABEL_QUIRKS } from "./labelQuirks.ts"
export type { LabelQuirk } from "./labelQuirks.ts"
export { SPELLING_FIXES, fixSpellings } from "./spellings.ts"
export { CMS_V34_TITLES } from "./cmsTitles.ts"
export { catalogRows } from "./catalogRows.ts"
export type { CatalogRow } from "./catalogRows.ts"
