/**
 * Effect `Schema` issues as path + message pairs, with unions reported the way a person
 * reads them: the member the value was evidently meant to be, else the union as a whole.
 *
 * @since 0.1.0
 */
import { SchemaIssue } from "effect"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * A flattened issue (`path` relative to the decoded value).
 *
 * @since 0.1.0
 * @category models
 */
export interface FlatIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/**
 * Whether a union member's failure says "this value is not meant to be that member": the
 * value's own type mismatched, a discriminator literal mismatched, or the value has a key
 * the member does not know.
 */
const ruledOut = (issue: SchemaIssue.Issue, depth: number): boolean => {
  switch (issue._tag) {
    case "Pointer":
      return ruledOut(issue.issue, depth + issue.path.length)
    case "Composite":
      return issue.issues.some((i) => ruledOut(i, depth))
    case "Encoding":
      return ruledOut(issue.issue, depth)
    case "UnexpectedKey":
      return true
    case "InvalidType":
    case "InvalidValue":
      // A literal (or the `undefined` of a defaulted literal) that does not match is a discriminator mismatch.
      return depth === 0 || (issue._tag === "InvalidType" && (issue.ast._tag === "Literal" || issue.ast._tag === "Undefined"))
    case "AnyOf":
      // A nested union rules its value out when every one of its members does.
      // (A defaulted single literal, `"synthetic" | undefined`, is a discriminator too.)
      return issue.issues.length === 0
        ? depth === 0 || isDefaultedLiteral(issue.ast)
        : issue.issues.every((member) => ruledOut(member, depth))
    default:
      return false
  }
}

const isDefaultedLiteral = (ast: SchemaIssue.AnyOf["ast"]): boolean =>
  ast.types.filter((t) => t._tag === "Literal").length === 1 && ast.types.every((t) => t._tag === "Literal" || t._tag === "Undefined")

const count = (issue: SchemaIssue.Issue): number =>
  issue._tag === "Pointer" || issue._tag === "Encoding" ? count(issue.issue) : issue._tag === "Composite" ? issue.issues.reduce((n, i) => n + count(i), 0) : 1

/**
 * Every leaf issue with its path.
 *
 * @since 0.1.0
 * @category formatting
 */
export const flattenIssue = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey> = []): Array<FlatIssue> => {
  switch (issue._tag) {
    case "Pointer":
      return flattenIssue(issue.issue, [...path, ...issue.path])
    case "Composite":
      return issue.issues.flatMap((i) => flattenIssue(i, path))
    case "Encoding":
      return flattenIssue(issue.issue, path)
    case "AnyOf": {
      const candidates = issue.issues.filter((member) => !ruledOut(member, 0))
      if (candidates.length > 0) {
        const best = candidates.reduce((a, b) => (count(b) < count(a) ? b : a))
        return flattenIssue(best, path)
      }
      // `X | undefined` (an optional field) failing inside X: report X's own expectation.
      const nested = issue.issues.filter((member) => member._tag === "AnyOf")
      const optional = issue.ast.types.length === 2 && issue.ast.types.some((t) => t._tag === "Undefined")
      if (optional && nested.length === 1 && nested[0] !== undefined) return flattenIssue(nested[0], path)
      // An optional field with a default is `X | undefined`; "undefined" is no answer to a wrong value.
      return formatter(new SchemaIssue.AnyOf(issue.ast, [])).issues.map((i) => ({
        path: [...path, ...(i.path ?? []) as ReadonlyArray<PropertyKey>],
        message: optional ? i.message.replace(/ \| undefined$/, "") : i.message
      }))
    }
    default:
      return formatter(issue).issues.map((i) => ({
        path: [...path, ...(i.path ?? []) as ReadonlyArray<PropertyKey>],
        message: i.message
      }))
  }
}
