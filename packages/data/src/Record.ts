/**
 * The benchmark record: one case with its note and gold DRG, as written to JSONL.
 */
import { Schema } from "effect"
import { SEVERITY_TIERS, type SeverityTier } from "@sapphire-rl/spec"

/** One labelled case. Field order here is the JSONL field order. */
export interface DrgRecord {
  readonly id: string
  readonly text: string
  /** Principal diagnosis (dotted ICD-10-CM); "" when the source has no codes (real data). */
  readonly pdx: string
  readonly sdx: ReadonlyArray<string>
  /** Secondary codes not present on admission (POA = N); absent when every one was. */
  readonly poaN?: ReadonlyArray<string>
  readonly procedures: ReadonlyArray<string>
  readonly age: number
  readonly sex: "M" | "F" | "U"
  readonly dischargeStatus: string
  readonly drg: number
  readonly title: string
  readonly family: string
  readonly tier: SeverityTier
  /** "easy" | "medium" | "hard" for synthetic cases; "real" for records read from real data. */
  readonly difficulty: "easy" | "medium" | "hard" | "real"
}

/** Schema of a record, for decoding JSONL lines. */
export const DrgRecordSchema = Schema.Struct({
  id: Schema.String,
  text: Schema.String,
  pdx: Schema.String,
  sdx: Schema.Array(Schema.String),
  poaN: Schema.optionalKey(Schema.Array(Schema.String)),
  procedures: Schema.Array(Schema.String),
  age: Schema.Number,
  sex: Schema.Literals(["M", "F", "U"]),
  dischargeStatus: Schema.String,
  drg: Schema.Number,
  title: Schema.String,
  family: Schema.String,
  tier: Schema.Literals(SEVERITY_TIERS),
  difficulty: Schema.Literals(["easy", "medium", "hard", "real"])
})

/** Serializes a record as one JSON line (fixed field order, so output is byte-stable; `poaN` only when non-empty). */
export const recordToJson = (r: DrgRecord): string =>
  JSON.stringify({
    id: r.id,
    text: r.text,
    pdx: r.pdx,
    sdx: r.sdx,
    ...(r.poaN !== undefined && r.poaN.length > 0 ? { poaN: r.poaN } : {}),
    procedures: r.procedures,
    age: r.age,
    sex: r.sex,
    dischargeStatus: r.dischargeStatus,
    drg: r.drg,
    title: r.title,
    family: r.family,
    tier: r.tier,
    difficulty: r.difficulty
  })
