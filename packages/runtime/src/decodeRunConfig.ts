/**
 * Decodes a run config, reporting every bad field with its path.
 *
 * @since 0.1.0
 */
import { Effect, Exit, Schema } from "effect"
import { issueAt, runConfigError, type RunConfigError } from "./ConfigIssue.ts"
import { RunConfig } from "./RunConfig.ts"
import { flattenIssue } from "./schemaIssues.ts"

/**
 * Decodes `input` (a parsed JSON file, a `defineRun` object, CLI flags merged into one):
 * all errors at once, unknown keys rejected (a typo must not silently fall back to a
 * default), defaults filled in.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeRunConfig = (input: unknown): Effect.Effect<RunConfig, RunConfigError> => {
  const exit = Schema.decodeUnknownExit(RunConfig)(input, { errors: "all", onExcessProperty: "error" })
  if (Exit.isSuccess(exit)) return Effect.succeed(exit.value)
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") return Effect.die(exit.cause)
  const issues = flattenIssue(error.error.issue).map((issue) => issueAt(input, issue))
  return Effect.fail(runConfigError(issues))
}
