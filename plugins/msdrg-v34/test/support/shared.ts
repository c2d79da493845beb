/**
 * The read-only files of ../shared (beside the repository) that tests read at runtime.
 * Outside CI a test whose file is absent is skipped; in CI (`CI=true`) the absence is an
 * error, so a missing file cannot pass as a skipped test.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** Absolute path of `path` under ../shared (e.g. "reference/DRG_34.csv"). */
export const sharedPath = (path: string): string => fileURLToPath(new URL(`../../../../../shared/${path}`, import.meta.url))

/** Whether every one of `paths` (under ../shared) exists; throws in CI when one does not. */
export const haveShared = (...paths: ReadonlyArray<string>): boolean => {
  const missing = paths.map(sharedPath).filter((p) => !existsSync(p))
  if (missing.length > 0 && process.env["CI"] === "true") {
    throw new Error(`shared reference files missing in CI: ${missing.join(", ")}`)
  }
  return missing.length === 0
}
