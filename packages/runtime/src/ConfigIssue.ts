/**
 * A problem with a run's config, at a path (`plugins[3].options.scheme`), and the typed
 * error that carries every problem found before any work starts.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * One problem: where (`""` for the config as a whole) and what.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConfigIssue {
  readonly path: string
  readonly message: string
}

/**
 * The config cannot run: every problem found, each with its path.
 *
 * @since 0.1.0
 * @category errors
 */
export class RunConfigError extends Schema.TaggedError<RunConfigError>()("RunConfigError", {
  issues: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String })),
  message: Schema.String
}) {}

/**
 * `path: message`, one line per issue.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatIssues = (issues: ReadonlyArray<ConfigIssue>): string =>
  issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`)).join("\n")

/**
 * The error for a list of issues.
 *
 * @since 0.1.0
 * @category constructors
 */
export const runConfigError = (issues: ReadonlyArray<ConfigIssue>): RunConfigError =>
  new RunConfigError({
    issues: [...issues],
    message: `invalid run config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${formatIssues(issues)}`
  })

type PathSegment = PropertyKey | { readonly key: PropertyKey }

/**
 * Renders a path as `plugins[3].options.scheme`, after an optional prefix.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatPath = (path: ReadonlyArray<PathSegment> | undefined, prefix = ""): string =>
  (path ?? []).reduce<string>((out, segment) => {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment
    return typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`
  }, prefix)

/** The value at `path` inside `input`, if there is one. */
const valueAt = (input: unknown, path: ReadonlyArray<PathSegment>): { readonly found: boolean; readonly value?: unknown } => {
  let value = input
  for (const segment of path) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment
    if (typeof value !== "object" || value === null || !(key in value)) return { found: false }
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return { found: true, value }
}

const show = (value: unknown): string => {
  if (typeof value === "function") return "a function"
  if (value === undefined) return "undefined"
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/**
 * An issue of a schema (Effect's or any Standard Schema's) as a `ConfigIssue`: the path
 * prefixed, the message starting in lower case, and the offending value appended when the
 * message does not show it already.
 *
 * @since 0.1.0
 * @category constructors
 */
export const issueAt = (
  input: unknown,
  issue: { readonly path?: ReadonlyArray<PathSegment> | undefined; readonly message: string },
  prefix = ""
): ConfigIssue => {
  const path = issue.path ?? []
  // Messages continue a `path: ` prefix, so they start in lower case ("Missing key" → "missing key").
  const lowered = issue.message.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())
  const at = valueAt(input, path)
  // An optional option with a default reads `X | undefined`; for a value that is there, only X matters.
  const message = at.found && at.value !== undefined ? lowered.replace(/^(expected .*?) \| undefined(?=,|$)/, "$1") : lowered
  const got = at.found && !/, got /.test(message) && message.startsWith("expected") ? `, got ${show(at.value)}` : ""
  return { path: formatPath(path, prefix), message: `${message}${got}` }
}
