/**
 * The one door to the independent reference files in `../shared/reference/` (beside the
 * repository, see its README): the opt-in conformance suite. A fresh clone has no such folder,
 * so every check declared here
 *
 * - runs when all its files are present;
 * - is skipped, as one test whose name says what was not checked, when they are absent
 *   (the count reporter lists these names under the run's summary);
 * - fails when they are absent and `CI=true`, so CI cannot pass on a skipped cross-check.
 *
 * Tests must not reach `../shared` in any other way (test/sharedAccess.test.ts enforces it);
 * what a test needs from the project's own material is a fixture in its package.
 *
 * Set `SAPPHIRE_REFERENCE_DIR` to use a reference folder elsewhere.
 *
 * @since 0.1.0
 */
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, it } from "vitest"
import { CONFORMANCE_PREFIX } from "./conformanceName.ts"

/** Absolute path of the reference folder (`<repo>/../shared/reference` unless overridden). @since 0.1.0 @category paths */
export const referenceDir: string = process.env["SAPPHIRE_REFERENCE_DIR"] ??
  join(import.meta.dirname, "..", "..", "..", "shared", "reference")

export { CONFORMANCE_PREFIX }

/** Read access to the reference files, handed to a check whose files are all present. @since 0.1.0 @category models */
export interface Reference {
  /** Absolute path of `file` (relative to the reference folder, e.g. "cms-v37/appendix_A.txt"). */
  readonly path: (file: string) => string
  /** `file` as UTF-8 text. */
  readonly read: (file: string) => string
}

const reference: Reference = {
  path: (file) => join(referenceDir, file),
  read: (file) => readFileSync(join(referenceDir, file), "utf8")
}

/** The files of `files` that are not in the reference folder. @since 0.1.0 @category paths */
export const missingReferenceFiles = (files: ReadonlyArray<string>): ReadonlyArray<string> =>
  files.filter((f) => !existsSync(join(referenceDir, f)))

const isCi = (): boolean => process.env["CI"] === "true"

const shownDir = process.env["SAPPHIRE_REFERENCE_DIR"] ?? "../shared/reference"

const absentName = (what: string, missing: ReadonlyArray<string>): string =>
  `${CONFORMANCE_PREFIX} ${what} — NOT CHECKED: ${missing.map((f) => `${shownDir}/${f}`).join(", ")} absent`

/** The test that stands in for a check whose files are missing: skipped, or failing in CI. */
const standIn = (what: string, missing: ReadonlyArray<string>): void => {
  if (isCi()) {
    it(`${CONFORMANCE_PREFIX} ${what}`, () => {
      throw new Error(`CI=true requires the reference files; missing in ${referenceDir}: ${missing.join(", ")}`)
    })
  } else {
    it.skip(absentName(what, missing), () => {})
  }
}

/**
 * A group of conformance tests over `files`: `body` declares them (it may read the files while
 * declaring) and runs only when every file is present.
 *
 * @since 0.1.0
 * @category constructors
 */
export const describeConformance = (what: string, files: ReadonlyArray<string>, body: (ref: Reference) => void): void => {
  const missing = missingReferenceFiles(files)
  if (missing.length === 0) describe(`${CONFORMANCE_PREFIX} ${what}`, () => body(reference))
  else standIn(what, missing)
}

/**
 * One conformance test over `files`, runnable inside any `describe`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const itConformance = (
  what: string,
  files: ReadonlyArray<string>,
  check: (ref: Reference) => void | Promise<void>
): void => {
  const missing = missingReferenceFiles(files)
  if (missing.length === 0) it(`${CONFORMANCE_PREFIX} ${what}`, () => check(reference))
  else standIn(what, missing)
}
