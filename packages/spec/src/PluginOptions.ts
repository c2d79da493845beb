/**
 * A tiny Standard Schema builder for plugin options (shared by every first-party plugin, which
 * depend on the spec only and so on no schema library): flat objects of literal unions, bounded numbers and booleans, with
 * defaults, unknown keys rejected, and messages that name the field and what it expects.
 *
 * @since 2.1.0
 */
import type { StandardResult, StandardSchemaV1 } from "./Factory.ts"

/**
 * One field: what it expects (for messages), how it decodes a present value (`undefined`
 * when the value is not acceptable), and its default when absent.
 *
 * @since 2.1.0
 * @category models
 */
export interface OptionField<A> {
  readonly expected: string
  readonly decode: (value: unknown) => { readonly value: A } | undefined
  readonly defaultValue: A
}

// JSON for the value as written, except numbers JSON cannot show (NaN, Infinity).
const show = (value: unknown): string =>
  typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value) ?? String(value)

/**
 * One of the given strings.
 *
 * @since 2.1.0
 * @category constructors
 */
export const literal = <const L extends string>(values: ReadonlyArray<L>, defaultValue: NoInfer<L>): OptionField<L> => ({
  expected: values.map((v) => JSON.stringify(v)).join(" | "),
  defaultValue,
  decode: (value) => (typeof value === "string" && (values as ReadonlyArray<string>).includes(value) ? { value: value as L } : undefined)
})

/**
 * Bounds of a number option.
 *
 * @since 2.1.0
 * @category models
 */
export interface NumberBounds {
  /** Exclusive lower bound (`> 0` for a rate); use instead of `min`. */
  readonly above?: number
  readonly min?: number
  readonly max?: number
  readonly integer?: boolean
}

const describeNumber = ({ above, min = -Infinity, max = Infinity, integer = false }: NumberBounds, plural: boolean): string => {
  const kind = integer ? (plural ? "integers" : "an integer") : plural ? "numbers" : "a number"
  if (above !== undefined) return max === Infinity ? `${kind} > ${above}` : `${kind} in (${above}, ${max}]`
  if (min === -Infinity && max === Infinity) return kind
  if (min === -Infinity) return `${kind} <= ${max}`
  if (max === Infinity) return `${kind} >= ${min}`
  return `${kind} in [${min}, ${max}]`
}

const isNumberIn = (value: unknown, { above, min = -Infinity, max = Infinity, integer = false }: NumberBounds): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= min && value <= max && (above === undefined || value > above) &&
  (!integer || Number.isInteger(value))

/**
 * A finite number within `bounds`.
 *
 * @since 2.1.0
 * @category constructors
 */
export const number = (defaultValue: number, bounds: NumberBounds = {}): OptionField<number> => ({
  expected: describeNumber(bounds, false),
  defaultValue,
  decode: (value) => (isNumberIn(value, bounds) ? { value } : undefined)
})

/**
 * A non-empty array of finite numbers within `bounds`.
 *
 * @since 2.1.0
 * @category constructors
 */
export const numberList = (defaultValue: ReadonlyArray<number>, bounds: NumberBounds = {}): OptionField<ReadonlyArray<number>> => ({
  expected: `a non-empty array of ${describeNumber(bounds, true)}`,
  defaultValue,
  decode: (value) =>
    Array.isArray(value) && value.length > 0 && value.every((v) => isNumberIn(v, bounds)) ? { value: [...value] as ReadonlyArray<number> } : undefined
})

/**
 * A boolean.
 *
 * @since 2.1.0
 * @category constructors
 */
export const boolean = (defaultValue: boolean): OptionField<boolean> => ({
  expected: "true | false",
  defaultValue,
  decode: (value) => (typeof value === "boolean" ? { value } : undefined)
})

/**
 * A field that may be left out, with no default (`undefined` when absent).
 *
 * @since 2.1.0
 * @category constructors
 */
export const optional = <A>(field: OptionField<A>): OptionField<A | undefined> => ({
  expected: field.expected,
  defaultValue: undefined,
  decode: field.decode
})

/**
 * The decoded options of a field record.
 *
 * @since 2.1.0
 * @category models
 */
export type OptionsOf<F extends Record<string, OptionField<any>>> = { readonly [K in keyof F]: F[K]["defaultValue"] }

/**
 * What callers may pass: every field is optional (absent fields take their defaults).
 *
 * @since 2.1.0
 * @category models
 */
export type OptionsInputOf<F extends Record<string, OptionField<any>>> = { readonly [K in keyof F]?: F[K]["defaultValue"] }

/**
 * A Standard Schema for an options object: absent fields take their defaults; a bad field
 * gives `field: expected …, got …`; an unknown field is an issue too (a typo would
 * otherwise be silently ignored). `check` adds cross-field rules on the decoded value.
 *
 * @since 2.1.0
 * @category constructors
 */
export const optionsSchema = <F extends Record<string, OptionField<any>>>(
  fields: F,
  check?: (options: OptionsOf<F>) => ReadonlyArray<{ readonly path: string; readonly message: string }>
): StandardSchemaV1<OptionsInputOf<F>, OptionsOf<F>> => ({
  "~standard": {
    version: 1,
    vendor: "sapphire-rl",
    validate: (input): StandardResult<OptionsOf<F>> => {
      if (input === undefined || input === null) input = {}
      if (typeof input !== "object" || Array.isArray(input)) {
        return { issues: [{ message: `expected an options object, got ${show(input)}` }] }
      }
      const record = input as Record<string, unknown>
      const issues: Array<{ message: string; path: ReadonlyArray<PropertyKey> }> = []
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(record)) {
        if (!(key in fields)) issues.push({ path: [key], message: `unknown option; expected one of ${Object.keys(fields).join(", ") || "(none)"}` })
      }
      for (const [key, field] of Object.entries(fields)) {
        const value = record[key]
        if (value === undefined) {
          out[key] = field.defaultValue
          continue
        }
        const decoded = field.decode(value)
        if (decoded !== undefined) out[key] = decoded.value
        else issues.push({ path: [key], message: `expected ${field.expected}, got ${show(value)}` })
      }
      if (issues.length === 0 && check !== undefined) {
        for (const issue of check(out as OptionsOf<F>)) issues.push({ path: issue.path === "" ? [] : [issue.path], message: issue.message })
      }
      return issues.length > 0 ? { issues } : { value: out as OptionsOf<F> }
    }
  }
})
