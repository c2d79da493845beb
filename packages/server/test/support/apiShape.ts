import { readFileSync } from "node:fs"

/** The fixture of vLLM's documented field names and types (ours, from the docs). */
export const apiFixture = JSON.parse(readFileSync(new URL("../fixtures/openai-completions-api.json", import.meta.url), "utf8")) as Record<string, unknown>

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)

/** Mismatches of `value` against a fixture type, with paths; [] when it conforms. Unknown object fields are mismatches. */
export const shapeErrors = (value: unknown, type: unknown, path = "$"): Array<string> => {
  if (typeof type === "string") {
    const ok =
      type === "string" ? typeof value === "string"
      : type === "integer" ? Number.isInteger(value)
      : type === "number" ? typeof value === "number" && Number.isFinite(value)
      : type === "boolean" ? typeof value === "boolean"
      : type === "null" ? value === null
      : type === "object" ? isRecord(value)
      : false
    return ok ? [] : [`${path}: expected ${type}, got ${JSON.stringify(value)}`]
  }
  if (Array.isArray(type)) {
    const [kind, ...rest] = type as [string, ...Array<unknown>]
    if (kind === "array") {
      if (!Array.isArray(value)) return [`${path}: expected an array`]
      return value.flatMap((v, i) => shapeErrors(v, rest[0], `${path}[${i}]`))
    }
    if (kind === "union") return rest.some((t) => shapeErrors(value, t, path).length === 0) ? [] : [`${path}: ${JSON.stringify(value)} matches none of ${JSON.stringify(rest)}`]
    if (kind === "literal") return rest.includes(value) ? [] : [`${path}: expected one of ${JSON.stringify(rest)}, got ${JSON.stringify(value)}`]
  }
  if (isRecord(type)) {
    if (!isRecord(value)) return [`${path}: expected an object`]
    const { $optional, ...required } = type as Record<string, unknown> & { $optional?: Record<string, unknown> }
    const optional = $optional ?? {}
    const errors: Array<string> = []
    for (const [k, t] of Object.entries(required)) {
      if (!(k in value)) errors.push(`${path}.${k}: missing`)
      else errors.push(...shapeErrors(value[k], t, `${path}.${k}`))
    }
    for (const [k, v] of Object.entries(value)) {
      if (k in required) continue
      if (!(k in optional)) errors.push(`${path}.${k}: not a documented field`)
      else errors.push(...shapeErrors(v, optional[k], `${path}.${k}`))
    }
    return errors
  }
  return [`${path}: bad fixture type ${JSON.stringify(type)}`]
}
