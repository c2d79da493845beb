/**
 * Parsers for the CMS MS-DRG definitions-manual text files, and the merge over base
 * tables. File reading lives in `loadNode.ts` (Node only: the package's `./node` entry, not exported here).
 */
export { parseAppendixA } from "./parseAppendixA.ts"
export type { CmsDrg } from "./parseAppendixA.ts"
export { parseAppendixB } from "./parseAppendixB.ts"
export type { DxAssignment } from "./parseAppendixB.ts"
export { parseAppendixC } from "./parseAppendixC.ts"
export type { AppendixC } from "./parseAppendixC.ts"
export { parseAppendixD, parseAppendixE } from "./parseAppendixDE.ts"
export type { PcsAssignments } from "./parseAppendixDE.ts"
export { parseAppendixFJ } from "./parseAppendixFJ.ts"
export type { AppendixFJ } from "./parseAppendixFJ.ts"
export { mergeCmsTables } from "./mergeCms.ts"
export type { CmsTables } from "./mergeCms.ts"
export { cmsFileKind, parseCmsFiles, tablesFromCmsFiles } from "./parseCmsFiles.ts"
